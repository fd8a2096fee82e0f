import type { RouteRecordRaw } from 'vue-router'
import { exchangeConsoleRoutes } from './exchange'

/** The provider console, on the base host only. */
const routes: RouteRecordRaw[] = [
  {
    path: '/console',
    component: () => import('@/layouts/ConsoleLayout.vue'),
    meta: { host: 'console' },
    redirect: { name: 'console-units' },
    children: [
      {
        path: 'units',
        name: 'console-units',
        component: () => import('@/views/console/units/index.vue'),
        meta: { title: 'menu.units', menu: true, icon: 'OfficeBuilding' },
      },
      {
        path: 'accounts',
        name: 'console-accounts',
        component: () => import('@/views/console/accounts/index.vue'),
        meta: { title: 'menu.providerAccounts', menu: true, icon: 'Avatar' },
      },
      {
        path: 'templates',
        name: 'console-templates',
        component: () => import('@/views/console/templates/index.vue'),
        meta: { title: 'menu.templates', menu: true, icon: 'Files' },
      },
      {
        path: 'templates/:id(\\d+)',
        name: 'console-template',
        component: () => import('@/views/console/template-detail/index.vue'),
        meta: { title: 'menu.templates', activeMenu: 'console-templates' },
      },
      {
        path: 'starter-kits',
        name: 'console-starter-kits',
        component: () => import('@/views/console/starter-kits/index.vue'),
        meta: { title: 'menu.starterKits', menu: true, icon: 'Box' },
      },
      ...exchangeConsoleRoutes,
      {
        path: 'stats',
        name: 'console-stats',
        component: () => import('@/views/console/stats/index.vue'),
        meta: { title: 'menu.stats', menu: true, icon: 'DataAnalysis' },
      },
      {
        path: 'audit',
        name: 'console-audit',
        component: () => import('@/views/audit/events/index.vue'),
        meta: { title: 'menu.audit', menu: true, icon: 'Tickets' },
      },
      {
        path: 'tokens',
        name: 'console-tokens',
        component: () => import('@/views/account/tokens/index.vue'),
        meta: { title: 'menu.tokens', icon: 'Key' },
      },
    ],
  },
]

export default routes
