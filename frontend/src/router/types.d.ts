import 'vue-router'

export {}

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (document title, menu entry, page heading). */
    title?: string
    /** Reachable without a session (login, error pages). */
    public?: boolean
    /** Which host serves the route; the other host is sent to its own home. */
    host?: 'console' | 'unit'
    /** Any of these permission codes grants the route. */
    permissions?: string[]
    /** Shown in the layout's menu. */
    menu?: boolean
    /** The unit must have this platform module, and it must be available (portal pages). */
    module?: string
    /** The menu entry to highlight on a page that has none of its own (detail pages). */
    activeMenu?: string
    /** Element Plus icon name for the menu. */
    icon?: string
  }
}
