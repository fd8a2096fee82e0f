import type { RouteRecordRaw } from 'vue-router'

/** 公文交换 pages in a unit's portal (nested in ./portal.ts); the unit must have the module. */
export const exchangeRoutes: RouteRecordRaw[] = [
  {
    path: 'exchange',
    name: 'exchange-inbox',
    component: () => import('@/views/exchange/inbox/index.vue'),
    meta: { title: 'menu.exchangeInbox', module: 'exchange', permissions: ['documents.receive'] },
  },
  {
    path: 'exchange/send',
    name: 'exchange-send',
    component: () => import('@/views/exchange/sendable/index.vue'),
    meta: { title: 'menu.exchangeSend', module: 'exchange', permissions: ['documents.dispatch'] },
  },
  {
    path: 'exchange/sent',
    name: 'exchange-sent',
    component: () => import('@/views/exchange/sent/index.vue'),
    meta: { title: 'menu.exchangeSent', module: 'exchange', permissions: ['documents.dispatch'] },
  },
  {
    path: 'exchange/sent/:id(\\d+)',
    name: 'exchange-envelope',
    component: () => import('@/views/exchange/envelope/index.vue'),
    meta: { title: 'menu.exchangeSent', module: 'exchange', permissions: ['documents.dispatch'] },
  },
]

/** The hub on the console. */
export const exchangeConsoleRoutes: RouteRecordRaw[] = [
  {
    path: 'exchange/directory',
    name: 'console-exchange-directory',
    component: () => import('@/views/console/exchange-directory/index.vue'),
    meta: { title: 'menu.exchangeDirectory', menu: true, icon: 'Connection' },
  },
  {
    path: 'exchange/monitor',
    name: 'console-exchange-monitor',
    component: () => import('@/views/console/exchange-monitor/index.vue'),
    meta: { title: 'menu.exchangeMonitor', menu: true, icon: 'DataLine' },
  },
  {
    path: 'exchange/gateway',
    name: 'console-exchange-gateway',
    component: () => import('@/views/console/exchange-gateway/index.vue'),
    meta: { title: 'gateway.menu', menu: true, icon: 'Switch' },
  },
]
