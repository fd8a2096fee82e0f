import { api, call } from './client'
import type { SiteContext } from './types'

/** Which host we are on (console or a unit); anonymous. */
export function fetchSiteContext(): Promise<SiteContext> {
  return call(() => api.GET('/api/context/'), { silent: true, allow401: true })
}
