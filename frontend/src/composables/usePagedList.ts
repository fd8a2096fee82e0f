import { ref, watch, type Ref } from 'vue'

export interface PageResult<T> {
  results: T[]
  count: number
  /** false: `count` is an estimate (lists) or a cap (search); absent means exact. */
  count_exact?: boolean
}

/**
 * A paginated list page: loads one page through `fetchPage`, tracks rows, total and the
 * loading flag, and reloads from page 1 shortly after the search text stops changing.
 * Errors are shown by the API client, so a failed load just leaves the old rows.
 */
export function usePagedList<T>(
  fetchPage: () => Promise<PageResult<T>>,
  search: { text: () => string; resetPage: () => void },
) {
  const rows = ref([]) as Ref<T[]>
  const total = ref(0)
  const exact = ref(true)
  const loading = ref(false)

  async function load() {
    loading.value = true
    try {
      const page = await fetchPage()
      rows.value = page.results
      total.value = page.count
      exact.value = page.count_exact !== false
    } catch {
      // shown by the client
    } finally {
      loading.value = false
    }
  }

  let timer: ReturnType<typeof setTimeout> | null = null
  watch(search.text, () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      search.resetPage()
      void load()
    }, 300)
  })

  return { rows, total, exact, loading, load }
}
