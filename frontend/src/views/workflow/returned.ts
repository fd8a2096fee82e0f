import type { TaskEvent } from '@/api/types'

/**
 * The 退回 that put this task in my to-do list, if one did: the return event whose
 * `detail.next` (the tasks the return opened, oa/workflow/actions.py) names it. The task page
 * shows its reason on top, where the person who has to redo the step looks first.
 */
export function returnedBy(taskId: number, trail: readonly TaskEvent[]): TaskEvent | null {
  for (let i = trail.length - 1; i >= 0; i--) {
    const e = trail[i]!
    if (e.action !== 'return') continue
    const next = (e.detail as { next?: unknown } | null | undefined)?.next
    if (Array.isArray(next) && next.includes(taskId)) return e
  }
  return null
}
