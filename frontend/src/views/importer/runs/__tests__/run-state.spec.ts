import { describe, expect, it } from 'vitest'
import type { ImporterFieldOption, ImportRun, QuarantineDetail } from '@/api/types'
import { fieldsToFix, isFinished, percentOf, stepOf } from '../run-state'

function run(over: Partial<ImportRun>): ImportRun {
  return { dry_run: true, state: 'queued', done: 0, total: null, ...over } as ImportRun
}

describe('import run state', () => {
  it('places a run on the page steps', () => {
    expect(stepOf(null)).toBe(0)
    expect(stepOf(run({ state: 'running' }))).toBe(1)
    expect(stepOf(run({ state: 'done' }))).toBe(2)
    expect(stepOf(run({ dry_run: false, state: 'running' }))).toBe(3)
    expect(stepOf(run({ dry_run: false, state: 'done' }))).toBe(4)
  })

  it('computes progress and knows when a run is over', () => {
    expect(percentOf(run({ total: null, done: 5 }))).toBe(0)
    expect(percentOf(run({ total: 200, done: 50, state: 'running' }))).toBe(25)
    expect(percentOf(run({ total: 3, done: 2, state: 'running' }))).toBe(66)
    expect(percentOf(run({ total: 0, state: 'done' }))).toBe(100)
    expect(isFinished(run({ state: 'refused' }))).toBe(true)
    expect(isFinished(run({ state: 'running' }))).toBe(false)
  })

  it('starts a fix form with the fields the problems name, in catalogue order', () => {
    const catalogue = [
      { name: 'title', label: '标题', kind: 'text' },
      { name: 'doc_number', label: '文号', kind: 'doc_number' },
      { name: 'issued_date', label: '成文日期', kind: 'date' },
    ] as ImporterFieldOption[]
    const item = {
      problems: [
        { reason: 'bad_date', message: '', field: 'issued_date', item: 'SendDate' },
        { reason: 'broken_attachment', message: '', field: null, item: 'a.exe' },
      ],
      fixes: { fields: { title: '补' } },
    } as unknown as QuarantineDetail
    expect(fieldsToFix(item, catalogue)).toEqual(['title', 'issued_date'])
  })
})
