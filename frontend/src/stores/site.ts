import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { ApiError } from '@/api/client'
import { fetchSiteContext } from '@/api/context'
import type { SiteContext } from '@/api/types'

/** Codes meaning the whole host is closed, not that one request failed. */
export const BLOCKING_CODES = ['unit_suspended', 'unknown_host']

/** What host the SPA is running on: the provider console or one unit's portal. */
export const useSiteStore = defineStore('site', () => {
  const context = ref<SiteContext | null>(null)
  const failed = ref(false)
  /** Why the host cannot be used: 'unit_suspended', 'unknown_host', or null (unreachable / fine). */
  const blockedCode = ref<string | null>(null)
  /** The backend's text for it (names the unit and the reason it was suspended). */
  const blockedDetail = ref('')
  let pending: Promise<SiteContext> | null = null

  function load(force = false): Promise<SiteContext> {
    if (context.value && !force) return Promise.resolve(context.value)
    if (!pending) {
      pending = fetchSiteContext()
        .then((ctx) => {
          context.value = ctx
          failed.value = false
          blockedCode.value = null
          blockedDetail.value = ''
          return ctx
        })
        .catch((e: unknown) => {
          failed.value = true
          block(e)
          throw e
        })
        .finally(() => {
          pending = null
        })
    }
    return pending
  }

  /** Remember an answer that says this host is closed (suspended unit, unknown host). */
  function block(e: unknown): boolean {
    if (e instanceof ApiError && BLOCKING_CODES.includes(e.code)) {
      blockedCode.value = e.code
      blockedDetail.value = e.detail
      return true
    }
    return false
  }

  const kind = computed(() => context.value?.kind ?? null)
  const isConsole = computed(() => kind.value === 'console')
  const isUnit = computed(() => kind.value === 'unit')
  const unit = computed(() => context.value?.unit ?? null)
  const platformName = computed(() => context.value?.platform_name ?? '')

  /** Does this unit have the module, and does the platform say it is available? */
  function hasModule(code: string): boolean {
    return !!unit.value?.modules.some((m) => m.code === code && m.available)
  }

  return { context, failed, blockedCode, blockedDetail, block, load, kind, isConsole, isUnit, unit, platformName, hasModule }
})
