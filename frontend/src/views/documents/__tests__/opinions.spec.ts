import { describe, expect, it } from 'vitest'
import type { DocumentTrailRow } from '@/api/types'
import { opinionsByStep, opinionsOf, trailText } from '../opinions'

const row = (over: Partial<DocumentTrailRow>): DocumentTrailRow => ({
  at: '2026-01-05T09:00:00+08:00',
  source: 'flow',
  action: 'complete',
  action_label: '办理',
  actor: '王科长',
  step: '核稿',
  outcome: 'approve',
  opinion: '',
  summary: '',
  ...over,
})

describe('opinionsByStep', () => {
  it('groups the flow’s opinions by step in the order the steps were handled', () => {
    const trail = [
      row({ source: 'document', action: 'created', step: '', summary: '拟稿：关于……的通知' }),
      row({ step: '起草', actor: '张科员' }),
      row({ step: '核稿', outcome: 'countersign', opinion: '请会签。' }),
      row({ step: '会签', actor: '陈副主任', opinion: '同意，建议增加消防内容。' }),
      row({ step: '会签', actor: '李主任', opinion: ' 同意。 ' }),
      row({ step: '签发', actor: '林建国', opinion: '同意印发。' }),
      row({ action: 'remind', step: '签发', opinion: '请尽快' }),
    ]
    const groups = opinionsByStep(trail)
    expect(groups.map((g) => [g.step, g.entries.map((e) => `${e.actor}:${e.opinion}`)])).toEqual([
      ['核稿', ['王科长:请会签。']],
      ['会签', ['陈副主任:同意，建议增加消防内容。', '李主任:同意。']],
      ['签发', ['林建国:同意印发。']],
    ])
    expect(opinionsOf(groups, '签发')[0]!.opinion).toBe('同意印发。')
    expect(opinionsOf(groups, '拟办')).toEqual([])
  })

  it('keeps the steps where reading is the answer, with or without words', () => {
    const groups = opinionsByStep([row({ step: '传阅', actor: '陈副主任' })], ['传阅'])
    expect(groups).toEqual([{ step: '传阅', entries: [{ actor: '陈副主任', opinion: '', outcome: 'approve', at: '2026-01-05T09:00:00+08:00' }] }])
  })
})

it('words a trail row by its summary (document) or step and action (flow)', () => {
  expect(trailText(row({ source: 'document', action: 'numbered', summary: '取得发文字号：思政办〔2026〕1号' }))).toBe(
    '取得发文字号：思政办〔2026〕1号',
  )
  expect(trailText(row({ step: '签发', action_label: '办理' }))).toBe('签发 · 办理')
})
