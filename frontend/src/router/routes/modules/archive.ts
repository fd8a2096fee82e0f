import type { RouteRecordRaw } from 'vue-router'

export const ARCHIVE_MANAGE = ['archive.manage']
export const ARCHIVE_APPRAISAL = ['archive.manage', 'archive.approve']

/** 档案 pages, nested in the portal layout (see ./portal.ts); the unit must have the module. */
export const archiveRoutes: RouteRecordRaw[] = [
  {
    path: 'archive',
    name: 'archive',
    component: () => import('@/views/archive/catalogue/index.vue'),
    meta: { title: 'menu.archive', module: 'archive' },
  },
  {
    path: 'archive/loans',
    name: 'archive-loans',
    component: () => import('@/views/archive/loans/index.vue'),
    meta: { title: 'archive.nav.loans', module: 'archive' },
  },
  {
    path: 'archive/loans/:id(\\d+)',
    name: 'archive-loan',
    component: () => import('@/views/archive/loan/index.vue'),
    meta: { title: 'archive.nav.loans', module: 'archive' },
  },
  {
    path: 'archive/records',
    name: 'archive-records',
    component: () => import('@/views/archive/records/index.vue'),
    meta: { title: 'archive.nav.records', module: 'archive', permissions: ARCHIVE_MANAGE },
  },
  {
    path: 'archive/appraisal',
    name: 'archive-appraisal',
    component: () => import('@/views/archive/appraisal/index.vue'),
    meta: { title: 'archive.nav.appraisal', module: 'archive', permissions: ARCHIVE_APPRAISAL },
  },
  {
    path: 'archive/transfer',
    name: 'archive-transfer',
    component: () => import('@/views/archive/transfer/index.vue'),
    meta: { title: 'archive.nav.transfer', module: 'archive', permissions: ARCHIVE_MANAGE },
  },
]
