import type { RouteRecordRaw } from 'vue-router'
import { adminArea } from './admin'
import { exchangeRoutes } from './exchange'
import { documentRoutes } from './documents'
import { archiveRoutes } from './archive'
import { noticeRoutes } from './notices'

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
        // 待办 / 已办: one page, the route name picks ?state=open|done.
        path: 'todo',
        name: 'portal-todo',
        component: () => import('@/views/workflow/tasks/index.vue'),
        meta: { title: 'menu.todo' },
      },
      {
        path: 'done',
        name: 'portal-done',
        component: () => import('@/views/workflow/tasks/index.vue'),
        meta: { title: 'menu.done' },
      },
      {
        path: 'tasks/:id(\\d+)',
        name: 'portal-task',
        component: () => import('@/views/workflow/task/index.vue'),
        meta: { title: 'menu.todo' },
      },
      {
        path: 'circulations',
        name: 'portal-circulations',
        component: () => import('@/views/workflow/circulations/index.vue'),
        meta: { title: 'menu.circulations' },
      },
      {
        path: 'start',
        name: 'portal-start',
        component: () => import('@/views/workflow/start/index.vue'),
        meta: { title: 'menu.start' },
      },
      {
        // 消息提醒: my notifications and which kinds reach me.
        path: 'notifications',
        name: 'notifications',
        component: () => import('@/views/notifications/list/index.vue'),
        meta: { title: 'menu.notifications' },
      },
      {
        path: 'notifications/preferences',
        name: 'notification-preferences',
        component: () => import('@/views/notifications/preferences/index.vue'),
        meta: { title: 'menu.notificationPreferences' },
      },
      ...exchangeRoutes,
      ...documentRoutes,
      ...archiveRoutes,
      ...noticeRoutes,
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
