import type { RouteLocationNormalized, RouteLocationRaw, Router } from 'vue-router'
import { i18n } from '@/locales'
import { useSessionStore } from '@/stores/session'
import { useSiteStore } from '@/stores/site'
import { homeRouteName } from './routes'

/** Only same-app paths are honoured as ?redirect= targets (no open redirect). */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) return null
  if (value.startsWith('/login') || value.startsWith('/password')) return null
  return value
}

export async function resolveNavigation(
  to: RouteLocationNormalized,
): Promise<true | RouteLocationRaw> {
  const site = useSiteStore()
  const session = useSessionStore()

  if (to.name === 'unavailable') return true
  try {
    await site.load()
    await session.ensureChecked()
  } catch {
    return { name: 'unavailable', query: { redirect: to.fullPath } }
  }

  if (to.name === 'login') {
    return session.me ? { name: homeRouteName() } : true
  }
  if (to.meta.public) return true
  if (!session.me) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }

  // An initial or reset password: nothing else until it is changed (the API refuses too).
  if (session.mustChangePassword) {
    if (to.name === 'password') return true
    const redirect = safeRedirect(to.fullPath)
    return { name: 'password', query: redirect && redirect !== '/' ? { redirect } : {} }
  }
  if (to.name === 'password') return { name: homeRouteName() }

  const host = [...to.matched].reverse().find((r) => r.meta.host)?.meta.host
  if (host && host !== site.kind) return { name: homeRouteName() }

  // A module's page needs the unit to have that module switched on.
  const module = to.meta.module
  if (module && !site.hasModule(module)) {
    return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } }
  }

  // Every matched record's permissions must be met (the admin area, then the page).
  for (const record of to.matched) {
    if (record.meta.permissions && !session.can(record.meta.permissions)) {
      return { name: 'forbidden' }
    }
  }
  return true
}

export function installGuards(router: Router) {
  router.beforeEach((to) => resolveNavigation(to))
  router.afterEach((to) => {
    const site = useSiteStore()
    const t = i18n.global.t
    const base = site.unit?.name || site.platformName || t('common.platformName')
    document.title = to.meta.title ? `${t(to.meta.title)} - ${base}` : base
  })
}
