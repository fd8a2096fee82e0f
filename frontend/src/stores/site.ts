import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { fetchSiteContext } from '@/api/context'
import type { SiteContext } from '@/api/types'

/** What host the SPA is running on: the provider console or one unit's portal. */
export const useSiteStore = defineStore('site', () => {
  const context = ref<SiteContext | null>(null)
  const failed = ref(false)
  let pending: Promise<SiteContext> | null = null

  function load(force = false): Promise<SiteContext> {
    if (context.value && !force) return Promise.resolve(context.value)
    if (!pending) {
      pending = fetchSiteContext()
        .then((ctx) => {
          context.value = ctx
          failed.value = false
          return ctx
        })
        .catch((e: unknown) => {
          failed.value = true
          throw e
        })
        .finally(() => {
          pending = null
        })
    }
    return pending
  }

  const kind = computed(() => context.value?.kind ?? null)
  const isConsole = computed(() => kind.value === 'console')
  const isUnit = computed(() => kind.value === 'unit')
  const unit = computed(() => context.value?.unit ?? null)
  const platformName = computed(() => context.value?.platform_name ?? '')

  return { context, failed, load, kind, isConsole, isUnit, unit, platformName }
})
