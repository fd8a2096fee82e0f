import { describe, expect, it } from 'vitest'
import type { TaskEvent } from '@/api/types'
import { returnedBy } from '../returned'

const event = (id: number, action: TaskEvent['action'], detail: unknown = {}): TaskEvent => ({
  id,
  action,
  step: '会签',
  task: 1,
  actor_name: '林建国',
  opinion: `reason ${id}`,
  at: '2026-12-01T09:00:00+08:00',
  detail,
})

describe('returnedBy', () => {
  it('finds the return that opened the task', () => {
    const trail = [event(1, 'start'), event(2, 'return', { to: 'StartEvent_Apply', next: [7] }), event(3, 'complete')]
    expect(returnedBy(7, trail)?.id).toBe(2)
  })
  it('takes the latest of several returns to the same step', () => {
    const trail = [event(1, 'return', { next: [7] }), event(2, 'return', { next: [9] })]
    expect(returnedBy(9, trail)?.opinion).toBe('reason 2')
  })
  it('is null for a task that came the normal way, or from a return that opened others', () => {
    expect(returnedBy(7, [event(1, 'complete', { next: [7] }), event(2, 'return', { next: [8] })])).toBeNull()
    expect(returnedBy(7, [event(1, 'return', null), event(2, 'return')])).toBeNull()
  })
})
