import { defineStore } from 'pinia'
import { ref } from 'vue'
import { listTasks } from '@/api/workflow'

/** The open to-do count for the 待办 badge; refreshed on portal navigation and after actions. */
export const useTodoStore = defineStore('todo', () => {
  const count = ref<number | null>(null)
  let last = 0

  function setCount(n: number) {
    count.value = n
    last = Date.now()
  }

  async function refresh(force = false) {
    if (!force && Date.now() - last < 15_000) return
    last = Date.now()
    try {
      const page = await listTasks({ state: 'open', page_size: 1 }, true)
      count.value = page.count
    } catch {
      // the badge simply stays as it was
    }
  }

  return { count, setCount, refresh }
})
