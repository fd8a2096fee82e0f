import { api, call, compact } from './client'
import type {
  Paginated,
  StatsPlatformOverview,
  StatsQuery,
  StatsUnitOverview,
  StatsUnitQuery,
  StatsUnitRow,
} from './types'

/** 平台统计 (console): the article's figures, the trend and the split by unit kind. */
export function fetchPlatformStats(query: StatsQuery): Promise<StatsPlatformOverview> {
  return call(() => api.GET('/api/stats/overview/', { params: { query: compact(query) } }))
}

/** One row per unit over the period, sorted and paged. */
export function listUnitStats(query: StatsUnitQuery): Promise<Paginated<StatsUnitRow>> {
  return call(() => api.GET('/api/stats/units/', { params: { query: compact(query) } }))
}

/** The same table as an XLSX workbook (a plain link: the browser downloads it). */
export function unitStatsExportUrl(query: StatsUnitQuery): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(compact(query))) {
    if (key !== 'page' && key !== 'page_size') params.set(key, String(value))
  }
  const qs = params.toString()
  return `/api/stats/units/export/${qs ? `?${qs}` : ''}`
}

/** 本单位统计 (a unit admin): the same figures for the unit. */
export function fetchUnitStats(query: StatsQuery): Promise<StatsUnitOverview> {
  return call(() => api.GET('/api/stats/', { params: { query: compact(query) } }))
}
