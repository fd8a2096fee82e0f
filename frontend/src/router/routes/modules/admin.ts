import type { RouteRecordRaw } from 'vue-router'
import { ADMIN_PERMISSIONS, PERM } from '@/stores/permissions'
import { useSessionStore } from '@/stores/session'

/** The unit's 管理 area; each page is gated by the permission codes in its meta. */
export const adminChildren: RouteRecordRaw[] = [
  {
    path: 'departments',
    name: 'admin-departments',
    component: () => import('@/views/directory/departments/index.vue'),
    meta: { title: 'menu.departments', menu: true, icon: 'Share', permissions: [PERM.directory] },
  },
  {
    path: 'positions',
    name: 'admin-positions',
    component: () => import('@/views/directory/positions/index.vue'),
    meta: { title: 'menu.positions', menu: true, icon: 'Medal', permissions: [PERM.directory] },
  },
  {
    path: 'staff',
    name: 'admin-staff',
    component: () => import('@/views/directory/staff/index.vue'),
    // Security officers unlock accounts and reset passwords from the same list.
    meta: {
      title: 'menu.staff',
      menu: true,
      icon: 'User',
      permissions: [PERM.directory, PERM.security],
    },
  },
  {
    // 三员授权申请: the security officer asks, the provider decides (ADR 0015).
    path: 'admin-role-requests',
    name: 'admin-role-requests',
    component: () => import('@/views/directory/admin-role-requests/index.vue'),
    meta: { title: 'menu.adminRoleRequests', menu: true, icon: 'Stamp', permissions: [PERM.security] },
  },
  {
    path: 'roles',
    name: 'admin-roles',
    component: () => import('@/views/directory/roles/index.vue'),
    meta: { title: 'menu.roles', menu: true, icon: 'Lock', permissions: [PERM.roles] },
  },
  {
    path: 'import',
    name: 'admin-import',
    component: () => import('@/views/directory/import/index.vue'),
    meta: { title: 'menu.import', menu: true, icon: 'Upload', permissions: [PERM.directory] },
  },
  {
    path: 'stats',
    name: 'admin-stats',
    component: () => import('@/views/stats/unit/index.vue'),
    meta: { title: 'menu.unitStats', menu: true, icon: 'DataAnalysis', permissions: [PERM.directory] },
  },
  {
    path: 'templates',
    name: 'admin-templates',
    component: () => import('@/views/templates/unit-list/index.vue'),
    meta: { title: 'menu.unitTemplates', menu: true, icon: 'Files', permissions: [PERM.templates] },
  },
  {
    path: 'templates/:id(\\d+)',
    name: 'admin-template',
    component: () => import('@/views/templates/unit-edit/index.vue'),
    meta: { title: 'menu.unitTemplates', activeMenu: 'admin-templates', permissions: [PERM.templates] },
  },
  {
    path: 'templates/:id(\\d+)/upgrade',
    name: 'admin-template-upgrade',
    component: () => import('@/views/templates/unit-upgrade/index.vue'),
    meta: { title: 'menu.unitTemplates', activeMenu: 'admin-templates', permissions: [PERM.templates] },
  },
  {
    path: 'legacy-import',
    name: 'admin-legacy-import',
    component: () => import('@/views/importer/runs/index.vue'),
    meta: { title: 'menu.legacyImport', menu: true, icon: 'Box', permissions: [PERM.importer] },
  },
  {
    path: 'notice-columns',
    name: 'admin-notice-columns',
    component: () => import('@/views/notices/columns/index.vue'),
    meta: { title: 'menu.noticeColumns', menu: true, icon: 'Memo', permissions: [PERM.notices] },
  },
  {
    path: 'audit',
    name: 'admin-audit',
    component: () => import('@/views/audit/events/index.vue'),
    meta: { title: 'menu.audit', menu: true, icon: 'Tickets', permissions: [PERM.audit] },
  },
]

/** /admin opens the first page the user may see. */
export function firstAdminRouteName(): string {
  const session = useSessionStore()
  const first = adminChildren.find((r) => session.can(r.meta?.permissions))
  return String((first ?? adminChildren[0]!).name)
}

/** Nested in the portal layout (see ./portal.ts). */
export const adminArea: RouteRecordRaw = {
  path: '',
  component: () => import('@/layouts/AdminLayout.vue'),
  meta: { permissions: ADMIN_PERMISSIONS },
  children: [
    { path: '', name: 'admin', redirect: () => ({ name: firstAdminRouteName() }) },
    ...adminChildren,
  ],
}
