/** The list filters shared by the 公文 list, the registers and search, and their query string. */
import type { DocumentListQuery } from '@/api/types'

export interface Filters {
  doc_type: string
  state: string
  year: number | null
  department: number | null
  q: string
  direction?: '' | 'outgoing' | 'incoming'
  dates?: [string, string] | null
}

export function emptyFilters(): Filters {
  return { doc_type: '', state: '', year: null, department: null, q: '', direction: '', dates: null }
}

/** The API's query: empty filters left out, the date range as date_from / date_to. */
export function toQuery(filters: Filters): DocumentListQuery {
  const query: DocumentListQuery = {}
  if (filters.doc_type) query.doc_type = filters.doc_type
  if (filters.state) query.state = filters.state
  if (filters.year) query.year = filters.year
  if (filters.department) query.department = filters.department
  if (filters.q.trim()) query.q = filters.q.trim()
  if (filters.direction) query.direction = filters.direction
  if (filters.dates?.[0]) query.date_from = filters.dates[0]
  if (filters.dates?.[1]) query.date_to = filters.dates[1]
  return query
}
