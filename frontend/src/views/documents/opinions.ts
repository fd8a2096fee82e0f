/**
 * 意见: what each step's handlers wrote, from the document's trail (流转记录), grouped by
 * step in the order the steps were first handled. Also the trail's own wording of a row.
 */
import type { DocumentTrailRow } from '@/api/types'

export interface Opinion {
  actor: string
  opinion: string
  outcome: string
  at: string
}

export interface StepOpinions {
  step: string
  entries: Opinion[]
}

/** Flow rows that decided a step; those with an opinion, or every one for `withoutText` steps (传阅: 已阅). */
export function opinionsByStep(trail: DocumentTrailRow[], withoutText: string[] = []): StepOpinions[] {
  const groups = new Map<string, Opinion[]>()
  for (const row of trail) {
    if (row.source !== 'flow' || !['complete', 'return'].includes(row.action) || !row.step) continue
    if (!row.opinion.trim() && !withoutText.includes(row.step)) continue
    const list = groups.get(row.step) ?? []
    list.push({ actor: row.actor, opinion: row.opinion.trim(), outcome: row.outcome, at: row.at })
    groups.set(row.step, list)
  }
  return Array.from(groups, ([step, entries]) => ({ step, entries }))
}

/** Opinions of one step by its name ("" joined when none): the 处理笺's rows. */
export function opinionsOf(groups: StepOpinions[], step: string): Opinion[] {
  return groups.find((g) => g.step === step)?.entries ?? []
}

/**
 * A trail row in one line: document rows carry their own summary ("取得发文字号：…");
 * flow rows say who did what at which step.
 */
export function trailText(row: DocumentTrailRow): string {
  if (row.source === 'document') return row.summary || row.action_label
  return [row.step, row.action_label].filter(Boolean).join(' · ')
}
