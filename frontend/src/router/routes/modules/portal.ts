import type { RouteRecordRaw } from 'vue-router'
import { adminArea } from './admin'

// /portal and /admin are separate top-level records (so '/' stays a plain
// redirect) that share one layout component; Vue keeps the same layout
// instance when moving between them.
const PortalLayout = () => import('@/layouts/PortalLayout.vue')

/** A unit's portal, on <code>.<base host>. */
const routes: RouteRecordRaw[] = [
  {
    path: '/portal',
    component: PortalLayout,
    meta: { host: 'unit' },
    children: [
      {
        path: '',
        name: 'portal-home',
        component: () => import('@/views/portal/home/index.vue'),
        meta: { title: 'menu.home' },
      },
      {
        // 通讯录: the unit's staff, read-only, for every member (module `directory`).
        path: 'directory',
        name: 'portal-directory',
        component: () => import('@/views/portal/address-book/index.vue'),
        meta: { title: 'menu.addressBook', module: 'directory' },
      },
      {
        path: 'tokens',
        name: 'portal-tokens',
        component: () => import('@/views/account/tokens/index.vue'),
        meta: { title: 'menu.tokens' },
      },
    ],
  },
  {
    path: '/admin',
    component: PortalLayout,
    meta: { host: 'unit' },
    children: [adminArea],
  },
]

export default routes
