import { api, call } from './client'
import type { AuditEvent, Paginated, PageQuery } from './types'

/** Same endpoint on both hosts: platform events on the console, the unit's own on a unit. */
export function listAuditEvents(query: PageQuery): Promise<Paginated<AuditEvent>> {
  return call(() => api.GET('/api/audit-events/', { params: { query } }))
}
