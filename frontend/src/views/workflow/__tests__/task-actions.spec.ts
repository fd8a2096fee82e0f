import { describe, expect, it } from 'vitest'
import { actionButtons } from '../task-actions'

describe('actionButtons', () => {
  it('shows nothing without allowed actions', () => {
    expect(actionButtons(undefined)).toEqual([])
    expect(actionButtons({ actions: [], outcomes: [], return_targets: [] })).toEqual([])
  })

  it('turns complete into one button per outcome, then the other actions in a fixed order', () => {
    const buttons = actionButtons({
      actions: ['withdraw', 'complete', 'remind', 'transfer', 'return', 'circulate', 'add_signer'],
      outcomes: ['approve', 'reject'],
      return_targets: [{ element_id: 'draft', name: '拟稿' }],
    })
    expect(buttons.map((b) => b.testid)).toEqual([
      'task-outcome-approve',
      'task-outcome-reject',
      'task-action-return',
      'task-action-transfer',
      'task-action-add_signer',
      'task-action-circulate',
      'task-action-remind',
      'task-action-withdraw',
    ])
    expect(buttons[0]).toMatchObject({ kind: 'outcome', outcome: 'approve', type: 'primary', label: 'workflow.outcome.approve' })
    expect(buttons[1]).toMatchObject({ outcome: 'reject', type: 'danger' })
  })

  it('keeps unknown outcomes as their own label and defaults to done', () => {
    expect(actionButtons({ actions: ['complete'], outcomes: ['archive'], return_targets: [] })[0]?.label).toBe('archive')
    expect(actionButtons({ actions: ['complete'], outcomes: [], return_targets: [] })[0]).toMatchObject({
      outcome: 'done',
      label: 'workflow.outcome.done',
    })
  })

  it('hides 退回 when there is no earlier step to go back to', () => {
    const buttons = actionButtons({ actions: ['return', 'remind'], outcomes: [], return_targets: [] })
    expect(buttons.map((b) => b.kind)).toEqual(['remind'])
  })
})

import { dueStatus } from '../due'

describe('dueStatus', () => {
  const now = Date.parse('2026-05-01T08:00:00Z')
  it('marks overdue, due soon, or nothing', () => {
    expect(dueStatus({ due_at: null, overdue: false, state: 'open' }, now)).toBeNull()
    expect(dueStatus({ due_at: '2026-05-01T07:00:00Z', overdue: false, state: 'open' }, now)).toBe('overdue')
    expect(dueStatus({ due_at: '2026-05-03T07:00:00Z', overdue: true, state: 'open' }, now)).toBe('overdue')
    expect(dueStatus({ due_at: '2026-05-01T20:00:00Z', overdue: false, state: 'open' }, now)).toBe('dueSoon')
    expect(dueStatus({ due_at: '2026-05-03T20:00:00Z', overdue: false, state: 'open' }, now)).toBeNull()
    expect(dueStatus({ due_at: '2026-05-01T07:00:00Z', overdue: true, state: 'completed' }, now)).toBeNull()
  })
})

import { matchesFlow } from '../start-schema'
import { schemaForData, visibleData } from '../form-schema'

describe('forms for flows', () => {
  it('matches a form template to a flow by code', () => {
    expect(matchesFlow('leave', 'leave')).toBe(true)
    expect(matchesFlow('forms/leave', 'leave')).toBe(true)
    expect(matchesFlow('leave2', 'leave')).toBe(false)
  })
  it('derives a read-only schema from the data, hiding internal keys', () => {
    const data = { body: '正文', days: 3, urgent: true, _internal: 1 }
    expect(Object.keys(visibleData(data))).toEqual(['body', 'days', 'urgent'])
    const schema = schemaForData(data)
    expect(schema.properties?.days?.type).toBe('number')
    expect(schema.properties?.urgent?.type).toBe('boolean')
    expect(schema.properties?.body?.title).toBe('正文 / 事由')
    expect(schema.properties?._internal).toBeUndefined()
  })
})
