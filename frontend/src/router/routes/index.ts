import type { RouteRecordRaw } from 'vue-router'
import { useSiteStore } from '@/stores/site'
import authRoutes from './modules/auth'
import consoleRoutes from './modules/console'
import portalRoutes from './modules/portal'
import errorRoutes from './modules/error'

/** Where "home" is for the current host. */
export function homeRouteName(): 'console-units' | 'portal-home' {
  return useSiteStore().isConsole ? 'console-units' : 'portal-home'
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'root', redirect: () => ({ name: homeRouteName() }) },
  ...authRoutes,
  ...consoleRoutes,
  ...portalRoutes,
  ...errorRoutes,
]
