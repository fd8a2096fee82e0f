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
