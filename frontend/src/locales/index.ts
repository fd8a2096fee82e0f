import { createI18n } from 'vue-i18n'
import zhCnElement from 'element-plus/es/locale/lang/zh-cn'
import enElement from 'element-plus/es/locale/lang/en'

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof SUPPORTED_LOCALES)[number]
export const DEFAULT_LOCALE: AppLocale = 'zh-CN'
const STORAGE_KEY = 'oa.locale'

// Namespaced JSON trees, compiled by vue-i18n at runtime. Keys are not type-checked:
// a typed schema of every message makes `t()` too deep for the compiler.
type Messages = { [key: string]: Messages | string }

/** locales/<lang>/<namespace>.json → { <namespace>: {...} }, so keys read `auth.login.title`. */
function collect(files: Record<string, unknown>): Messages {
  const out: Record<string, unknown> = {}
  for (const [path, content] of Object.entries(files)) {
    const namespace = path.replace(/^.*\/([^/]+)\.json$/, '$1')
    out[namespace] = content
  }
  return out as Messages
}

const messages: Record<AppLocale, Messages> = {
  'zh-CN': collect(import.meta.glob('./zh-CN/*.json', { eager: true, import: 'default' })),
  en: collect(import.meta.glob('./en/*.json', { eager: true, import: 'default' })),
}

export function isSupportedLocale(value: unknown): value is AppLocale {
  return SUPPORTED_LOCALES.includes(value as AppLocale)
}

function initialLocale(): AppLocale {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (isSupportedLocale(saved)) return saved
  } catch {
    // storage may be disabled; Chinese is the default anyway
  }
  return DEFAULT_LOCALE
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages,
  missingWarn: false,
  fallbackWarn: false,
})

export const elementLocales = { 'zh-CN': zhCnElement, en: enElement } as const

export function setLocale(locale: AppLocale) {
  i18n.global.locale.value = locale
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale)
  } catch {
    // not persisted; the switch still applies to this page
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
}

export function currentLocale(): AppLocale {
  const value = i18n.global.locale.value
  return isSupportedLocale(value) ? value : DEFAULT_LOCALE
}
