import { api, call, compact, multipart } from './client'
import type {
  AdminRoleRequest,
  AdminRoleRequestInput,
  Department,
  DepartmentInput,
  DepartmentPatchInput,
  Id,
  OneTimePassword,
  Paginated,
  Permission,
  Position,
  PositionInput,
  PositionPatchInput,
  Role,
  RoleInput,
  RolePatchInput,
  Staff,
  StaffCreateInput,
  StaffImportResult,
  StaffListQuery,
  StaffPatchInput,
} from './types'

const byId = (id: Id) => ({ params: { path: { id } } })

// ------------------------------------------------------------ departments

export function listDepartments(): Promise<Department[]> {
  return call(() => api.GET('/api/directory/departments/'))
}

export function createDepartment(input: DepartmentInput): Promise<Department> {
  return call(() => api.POST('/api/directory/departments/', { body: input }), { silent: true })
}

export function updateDepartment(id: Id, input: DepartmentPatchInput): Promise<Department> {
  return call(() => api.PATCH('/api/directory/departments/{id}/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function deleteDepartment(id: Id): Promise<void> {
  return call(() => api.DELETE('/api/directory/departments/{id}/', byId(id)))
}

// ------------------------------------------------------------ positions

export function listPositions(): Promise<Position[]> {
  return call(() => api.GET('/api/directory/positions/'))
}

export function createPosition(input: PositionInput): Promise<Position> {
  return call(() => api.POST('/api/directory/positions/', { body: input }), { silent: true })
}

export function updatePosition(id: Id, input: PositionPatchInput): Promise<Position> {
  return call(() => api.PATCH('/api/directory/positions/{id}/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function deletePosition(id: Id): Promise<void> {
  return call(() => api.DELETE('/api/directory/positions/{id}/', byId(id)))
}

// ------------------------------------------------------------ staff

export function listStaff(query: StaffListQuery): Promise<Paginated<Staff>> {
  return call(() => api.GET('/api/directory/staff/', { params: { query: compact(query) } }))
}

export function createStaff(input: StaffCreateInput): Promise<Staff> {
  return call(() => api.POST('/api/directory/staff/', { body: input }), { silent: true })
}

export function updateStaff(id: Id, input: StaffPatchInput): Promise<Staff> {
  return call(() => api.PATCH('/api/directory/staff/{id}/', { ...byId(id), body: input }), {
    silent: true,
  })
}

/** The server generates a one-time password (shown once); the resetter never chooses it. */
export function resetStaffPassword(id: Id): Promise<OneTimePassword> {
  return call(() => api.POST('/api/directory/staff/{id}/reset-password/', byId(id)))
}

export function unlockStaff(id: Id): Promise<void> {
  return call(() => api.POST('/api/directory/staff/{id}/unlock/', byId(id)))
}

export const STAFF_IMPORT_HEADER = [
  'username',
  'display_name',
  'department',
  'position',
  'phone',
  'email',
  'roles',
  'password',
]

/**
 * Dry run first: the backend validates every row and writes nothing. A file
 * with errors answers 400 import_invalid with per-row `errors`, even for a real run.
 */
export function importStaff(file: File, dryRun: boolean): Promise<StaffImportResult> {
  const form = new FormData()
  form.append('file', file)
  form.append('dry_run', dryRun ? 'true' : 'false')
  return call(() => api.POST('/api/directory/staff/import/', { body: multipart(form) }), {
    silent: true,
  }) as unknown as Promise<StaffImportResult>
}

// ------------------------------------------------------------ roles & permissions

// Role.permissions is a JSON field the schema leaves as `unknown`: a list of permission codes.
export function listRoles(): Promise<Role[]> {
  return call(() => api.GET('/api/directory/roles/')) as Promise<Role[]>
}

export function createRole(input: RoleInput): Promise<Role> {
  return call(() => api.POST('/api/directory/roles/', { body: input }), {
    silent: true,
  }) as Promise<Role>
}

/** The role code cannot be changed after creation. */
export function updateRole(id: Id, input: RolePatchInput): Promise<Role> {
  return call(() => api.PATCH('/api/directory/roles/{id}/', { ...byId(id), body: input }), {
    silent: true,
  }) as Promise<Role>
}

export function deleteRole(id: Id): Promise<void> {
  return call(() => api.DELETE('/api/directory/roles/{id}/', byId(id)))
}

export function listPermissions(): Promise<Permission[]> {
  return call(() => api.GET('/api/directory/permissions/'))
}

// ------------------------------------------------------------ 三员授权申请 (ADR 0015)

export function listAdminRoleRequests(): Promise<AdminRoleRequest[]> {
  return call(() => api.GET('/api/directory/admin-role-requests/'))
}

export function requestAdminRole(input: AdminRoleRequestInput): Promise<AdminRoleRequest> {
  return call(() => api.POST('/api/directory/admin-role-requests/', { body: input }), { silent: true })
}
