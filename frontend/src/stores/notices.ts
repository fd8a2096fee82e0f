import { defineStore } from 'pinia'
import { ref } from 'vue'
import { unreadCount } from '@/api/notices'

/** Unread 信息 for the header's badge; refreshed on portal navigation and after reading one. */
export const useNoticesStore = defineStore('notices', () => {
  const unread = ref(0)
  let last = 0

  async function refresh(force = false) {
    if (!force && Date.now() - last < 10_000) return
    last = Date.now()
    try {
      unread.value = await unreadCount()
    } catch {
      // the badge stays as it was
    }
  }

  return { unread, refresh }
})
