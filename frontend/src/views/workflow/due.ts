import type { TaskListItem } from '@/api/types'

/** Within this long of its due time an open task is 即将到期. */
export const DUE_SOON_MS = 24 * 3600 * 1000

export type DueStatus = 'overdue' | 'dueSoon' | null

export function dueStatus(
  task: Pick<TaskListItem, 'due_at' | 'overdue' | 'state'>,
  now: number = Date.now(),
): DueStatus {
  if (task.state && task.state !== 'open') return null
  if (task.overdue) return 'overdue'
  if (!task.due_at) return null
  const due = new Date(task.due_at).getTime()
  if (Number.isNaN(due)) return null
  if (due < now) return 'overdue'
  return due - now <= DUE_SOON_MS ? 'dueSoon' : null
}

export function urgencyTag(urgency: string | undefined): 'info' | 'warning' | 'danger' {
  if (urgency === 'very_urgent') return 'danger'
  if (urgency === 'urgent') return 'warning'
  return 'info'
}
