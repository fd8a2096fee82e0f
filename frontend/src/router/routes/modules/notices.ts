import type { RouteRecordRaw } from 'vue-router'

/** 信息发布 pages in a unit's portal (nested in ./portal.ts); the unit must have the module. */
export const noticeRoutes: RouteRecordRaw[] = [
  {
    path: 'notices',
    name: 'notices',
    component: () => import('@/views/notices/list/index.vue'),
    meta: { title: 'menu.notices', module: 'notices' },
  },
  {
    path: 'notices/manage',
    name: 'notices-manage',
    component: () => import('@/views/notices/manage/index.vue'),
    meta: { title: 'menu.noticesManage', module: 'notices' },
  },
  {
    path: 'notices/new',
    name: 'notices-new',
    component: () => import('@/views/notices/editor/index.vue'),
    meta: { title: 'notices.editor.newTitle', module: 'notices' },
  },
  {
    path: 'notices/:id(\\d+)',
    name: 'notices-detail',
    component: () => import('@/views/notices/detail/index.vue'),
    meta: { title: 'menu.notices', module: 'notices' },
  },
  {
    path: 'notices/:id(\\d+)/edit',
    name: 'notices-edit',
    component: () => import('@/views/notices/editor/index.vue'),
    meta: { title: 'notices.editor.editTitle', module: 'notices' },
  },
  {
    path: 'notices/:id(\\d+)/receipts',
    name: 'notices-receipts',
    component: () => import('@/views/notices/receipts/index.vue'),
    meta: { title: 'notices.receipts.title', module: 'notices' },
  },
]
