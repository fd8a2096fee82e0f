import { computed, ref } from 'vue'
import { listColumns } from '@/api/notices'
import type { NoticeColumn } from '@/api/types'

/** The unit's columns, loaded once per page, and the ones I publish in. */
export function useColumns() {
  const columns = ref<NoticeColumn[]>([])
  const loaded = ref(false)
  const mine = computed(() => columns.value.filter((c) => c.can_publish))
  async function load() {
    try {
      columns.value = await listColumns()
    } catch {
      columns.value = []
    } finally {
      loaded.value = true
    }
  }
  return { columns, mine, loaded, load }
}

/** Element Plus tag types per state. */
export function stateTagType(state: string): 'success' | 'warning' | 'info' | 'danger' | 'primary' {
  return (
    ({ published: 'success', pending: 'warning', rejected: 'danger', retracted: 'info', draft: 'primary' } as const)[
      state as 'published'
    ] ?? 'info'
  )
}
