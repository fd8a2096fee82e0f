import type { RouteLocationRaw } from 'vue-router'

/**
 * Module code → the page that opens it. A card is shown only when the backend says the
 * module is available, the frontend has its page here, and the person may open that page
 * (e.g. 公文交换 needs the receive or the dispatch permission): no 即将上线 cards.
 */
export const MODULE_ROUTES: Record<string, RouteLocationRaw | ((can: Can) => RouteLocationRaw | null)> = {
  directory: { name: 'portal-directory' },
  exchange: (can) =>
    can(['documents.receive']) ? { name: 'exchange-inbox' } : can(['documents.dispatch']) ? { name: 'exchange-send' } : null,
  documents: { name: 'documents' },
  archive: { name: 'archive' },
  notices: { name: 'notices' },
}

type Can = (permissions?: string[]) => boolean

export function moduleRoute(m: { code: string; available: boolean }, can: Can): RouteLocationRaw | null {
  const route = m.available ? MODULE_ROUTES[m.code] : undefined
  if (!route) return null
  return typeof route === 'function' ? route(can) : route
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
