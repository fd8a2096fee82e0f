/** Permission codes the backend sends in Me.permissions; they gate menus and buttons. */
export const PERM = {
  directory: 'directory.manage',
  roles: 'roles.manage',
  security: 'security.manage',
  audit: 'audit.view',
  templates: 'templates.manage',
  importer: 'importer.manage',
  notices: 'notices.manage',
} as const

/** Any of these opens the unit's 管理 (admin) area. */
export const ADMIN_PERMISSIONS: string[] = [
  PERM.directory,
  PERM.roles,
  PERM.security,
  PERM.audit,
  PERM.templates,
  PERM.importer,
  PERM.notices,
]

/**
 * The three officer roles (三员): their permissions are fixed by the platform and one
 * person may hold only one of them (the backend answers role_conflict otherwise).
 */
export const SEPARATED_ROLE_CODES: readonly string[] = ['sysadmin', 'secadmin', 'auditadmin']

/**
 * The three duties' own permissions: held only through the built-in officer roles; the backend
 * refuses them on any other role (separation_of_duties). Mirrors RESERVED_PERMISSIONS.
 */
export const RESERVED_PERMISSIONS: readonly string[] = [PERM.roles, PERM.security, PERM.audit]
