import type { Client } from 'openapi-fetch'
import { api, call } from './client'
import type { paths as UnitPaths } from './schema-unit'
import type { Id, TemplateKind, UnitTemplate, UnitTemplateDetail } from './types'

/*
 * /api/templates/… exists on both hosts with different shapes, so the merged `paths` type
 * cannot describe it; the unit host's calls go through a client typed with the unit schema only.
 */
const unitApi = api as unknown as Client<UnitPaths>

/** The unit's own templates (unit host, /api/templates/). */
export function listUnitTemplates(kind?: TemplateKind, silent = false): Promise<UnitTemplate[]> {
  return call(() => unitApi.GET('/api/templates/', { params: { query: kind ? { kind } : {} } }), { silent })
}

export function fetchUnitTemplate(id: Id, silent = false): Promise<UnitTemplateDetail> {
  return call(() => unitApi.GET('/api/templates/{id}/', { params: { path: { id } } }), { silent })
}

export function updateUnitTemplate(id: Id, input: { name?: string; content?: unknown }): Promise<UnitTemplateDetail> {
  return call(() => unitApi.PATCH('/api/templates/{id}/', { params: { path: { id } }, body: input }), {
    silent: true,
  })
}

/** 另存副本: a variant under a new code with the same library parent (upgrades still merge into it). */
export function forkUnitTemplate(id: Id, input: { code: string; name: string }): Promise<UnitTemplateDetail> {
  return call(() => unitApi.POST('/api/templates/{id}/fork/', { params: { path: { id } }, body: input }), {
    silent: true,
  })
}

export function previewUpgrade(
  id: Id,
  resolutions: Record<string, 'ours' | 'theirs'>,
  version?: number | null,
): Promise<import('./types').UpgradePreview> {
  return call(() =>
    unitApi.POST('/api/templates/{id}/upgrade/preview/', {
      params: { path: { id } },
      body: { resolutions, version: version ?? null },
    }),
  )
}

/** 409 merge_conflict when a conflict still has no choice. */
export function upgradeTemplate(
  id: Id,
  resolutions: Record<string, 'ours' | 'theirs'>,
  version?: number | null,
): Promise<UnitTemplateDetail> {
  return call(
    () =>
      unitApi.POST('/api/templates/{id}/upgrade/', {
        params: { path: { id } },
        body: { resolutions, version: version ?? null },
      }),
    { silent: true },
  )
}
