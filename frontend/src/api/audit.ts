import { api, call, compact } from './client'
import type { AuditEvent, Paginated, PageQuery } from './types'

export interface AuditQuery extends PageQuery {
  /** Action prefix such as `auth.` or `directory.`. */
  action?: string
}

/** Same endpoint on both hosts: platform events on the console, the unit's own on a unit. */
export function listAuditEvents(query: AuditQuery): Promise<Paginated<AuditEvent>> {
  return call(() => api.GET('/api/audit-events/', { params: { query: compact(query) } }))
}
