import { api, call, compact, multipart } from './client'
import type {
  ConsoleAdminRoleRequest,
  ConsoleOneTimePassword,
  UnitAdminChange,
  UnitAdmins,
  Job,
  Paginated,
  PlatformModule,
  Unit,
  UnitCreated,
  UnitCreateInput,
  UnitKind,
  UnitListQuery,
  UnitPatchInput,
} from './types'

// The schema types Unit.modules as `unknown` (a JSON field); it is a list of module codes.
export function listUnits(query: UnitListQuery): Promise<Paginated<Unit>> {
  return call(() => api.GET('/api/units/', { params: { query: compact(query) } })) as Promise<
    Paginated<Unit>
  >
}

export function createUnit(input: UnitCreateInput): Promise<UnitCreated> {
  const body = { ...input }
  // An empty password box means "let the platform generate one".
  if (!body.admin_password) delete body.admin_password
  return call(() => api.POST('/api/units/', { body }), { silent: true }) as Promise<UnitCreated>
}

export function updateUnit(code: string, input: UnitPatchInput): Promise<Unit> {
  return call(() => api.PATCH('/api/units/{code}/', { params: { path: { code } }, body: input }), {
    silent: true,
  }) as Promise<Unit>
}

export function suspendUnit(code: string, reason: string): Promise<Unit> {
  return call(() =>
    api.POST('/api/units/{code}/suspend/', { params: { path: { code } }, body: { reason } }),
  ) as Promise<Unit>
}

export function resumeUnit(code: string): Promise<Unit> {
  return call(() =>
    api.POST('/api/units/{code}/resume/', { params: { path: { code } } }),
  ) as Promise<Unit>
}

/**
 * Deleting a unit drops its schema; the backend wants the code typed back as
 * confirmation (`?confirm=<code>`).
 */
export function deleteUnit(code: string, confirm: string): Promise<void> {
  return call(() => api.DELETE('/api/units/{code}/', { params: { path: { code }, query: { confirm } } }))
}

export function listUnitKinds(): Promise<UnitKind[]> {
  return call(() => api.GET('/api/unit-kinds/'))
}

export function listPlatformModules(): Promise<PlatformModule[]> {
  return call(() => api.GET('/api/modules/'))
}

/**
 * 批量开通: the CSV is checked whole first (400 import_invalid with per-row `errors`
 * when any row is bad, nothing created); otherwise 202 with the job to follow.
 */
export function bulkCreateUnits(file: File): Promise<Job> {
  const form = new FormData()
  form.append('file', file)
  return call(() => api.POST('/api/units/bulk/', { body: multipart(form) }), {
    silent: true,
  }) as unknown as Promise<Job>
}

export const UNIT_CSV_HEADER = [
  'code',
  'name',
  'kind',
  'admin_username',
  'admin_display_name',
  'admin_password',
]

// ------------------------------------------------------------ a unit's 三员 (ADR 0015)

const byCode = (code: string) => ({ params: { path: { code } } })

export function getUnitAdmins(code: string): Promise<UnitAdmins> {
  return call(() => api.GET('/api/units/{code}/admins/', byCode(code)))
}

export function changeUnitAdmin(code: string, input: UnitAdminChange): Promise<UnitAdmins> {
  return call(() => api.POST('/api/units/{code}/admins/', { ...byCode(code), body: input }), { silent: true })
}

export function decideAdminRequest(
  code: string,
  id: number,
  approve: boolean,
  note = '',
): Promise<ConsoleAdminRoleRequest> {
  const params = { params: { path: { code, id } }, body: { note } }
  return call(() =>
    approve
      ? api.POST('/api/units/{code}/admins/requests/{id}/approve/', params)
      : api.POST('/api/units/{code}/admins/requests/{id}/reject/', params),
  )
}

export function resetUnitAdminPassword(code: string, id: number): Promise<ConsoleOneTimePassword> {
  return call(() =>
    api.POST('/api/units/{code}/admins/{id}/reset-password/', { params: { path: { code, id } } }),
  )
}
