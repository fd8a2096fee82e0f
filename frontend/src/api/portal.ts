import { api, call } from './client'
import type { PortalHome } from './types'

export function fetchPortalHome(): Promise<PortalHome> {
  return call(() => api.GET('/api/portal/home/'))
}
