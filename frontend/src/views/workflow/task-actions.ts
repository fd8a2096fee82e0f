import type { TaskAction, TaskAllowed } from '@/api/types'

/**
 * Which buttons a task page shows: only what `allowed` (from the API) lists.
 * `complete` becomes one button per outcome (同意 / 不同意 / 提交…); the others one button each.
 */
export type ButtonKind = 'outcome' | Exclude<TaskAction, 'complete'>

export interface ActionButton {
  kind: ButtonKind
  /** The outcome sent with 办理 (only for kind `outcome`). */
  outcome?: string
  /** i18n key of the label. */
  label: string
  /** Element Plus button type. */
  type: 'primary' | 'danger' | 'warning' | 'default' | 'success' | 'info'
  testid: string
  /** Opens a dialog asking for more (opinion, step, person) before sending. */
  needsDialog: boolean
}

const KNOWN_OUTCOMES: Record<string, { type: ActionButton['type'] }> = {
  approve: { type: 'primary' },
  reject: { type: 'danger' },
  submit: { type: 'primary' },
  agree: { type: 'primary' },
  disagree: { type: 'danger' },
}

const ORDER: Exclude<TaskAction, 'complete'>[] = ['return', 'transfer', 'add_signer', 'circulate', 'remind', 'withdraw']

const OTHER: Record<Exclude<TaskAction, 'complete'>, Omit<ActionButton, 'kind' | 'testid'>> = {
  return: { label: 'workflow.action.return', type: 'warning', needsDialog: true },
  transfer: { label: 'workflow.action.transfer', type: 'default', needsDialog: true },
  add_signer: { label: 'workflow.action.add_signer', type: 'default', needsDialog: true },
  circulate: { label: 'workflow.action.circulate', type: 'default', needsDialog: true },
  remind: { label: 'workflow.action.remind', type: 'warning', needsDialog: false },
  withdraw: { label: 'workflow.action.withdraw', type: 'danger', needsDialog: false },
}

/** Label key for an outcome: known ones are translated, others shown as they are. */
export function outcomeLabel(outcome: string): string {
  return outcome in KNOWN_OUTCOMES || outcome === '' ? `workflow.outcome.${outcome || 'done'}` : outcome
}

export function actionButtons(allowed: TaskAllowed | null | undefined): ActionButton[] {
  if (!allowed) return []
  const actions = new Set(allowed.actions ?? [])
  const out: ActionButton[] = []
  if (actions.has('complete')) {
    // A step without declared outcomes is simply 办理完毕 (outcome "done").
    const outcomes = allowed.outcomes?.length ? allowed.outcomes : ['done']
    for (const outcome of outcomes) {
      out.push({
        kind: 'outcome',
        outcome,
        label: outcome === 'done' ? 'workflow.outcome.done' : outcomeLabel(outcome),
        type: KNOWN_OUTCOMES[outcome]?.type ?? 'primary',
        testid: `task-outcome-${outcome}`,
        needsDialog: true,
      })
    }
  }
  for (const kind of ORDER) {
    if (!actions.has(kind)) continue
    if (kind === 'return' && !allowed.return_targets?.length) continue
    out.push({ kind, ...OTHER[kind], testid: `task-action-${kind}` })
  }
  return out
}
