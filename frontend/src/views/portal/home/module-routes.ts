import type { RouteLocationRaw } from 'vue-router'

/**
 * Module code → the page that opens it. A card links only when the backend
 * says the module is available AND the frontend has its page here; every
 * other card shows 即将上线 instead of leading to a placeholder.
 */
export const MODULE_ROUTES: Record<string, RouteLocationRaw> = {
  directory: { name: 'portal-directory' },
  exchange: { name: 'exchange-inbox' },
  documents: { name: 'documents' },
  notices: { name: 'notices' },
}

/** Icons for the module codes of the architecture brief; unknown codes get a generic one. */
export const MODULE_ICONS: Record<string, string> = {
  documents: 'Document',
  incoming: 'Message',
  outgoing: 'Promotion',
  workflow: 'Share',
  meetings: 'Calendar',
  supervision: 'AlarmClock',
  affairs: 'Briefcase',
  notices: 'Bell',
  messaging: 'ChatDotRound',
  search: 'Search',
  archive: 'Files',
  directory: 'User',
  stats: 'DataAnalysis',
  exchange: 'Connection',
  importer: 'Upload',
}

export function moduleIcon(code: string): string {
  return MODULE_ICONS[code] ?? 'Grid'
}
