/** Permission codes the backend sends in Me.permissions; they gate menus and buttons. */
export const PERM = {
  directory: 'directory.manage',
  roles: 'roles.manage',
  security: 'security.manage',
  audit: 'audit.view',
} as const

/** Any of these opens the unit's 管理 (admin) area. */
export const ADMIN_PERMISSIONS: string[] = [PERM.directory, PERM.roles, PERM.security, PERM.audit]
