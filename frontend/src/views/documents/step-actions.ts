/**
 * The handling panel's buttons for one step of a document's flow, and the request each
 * sends. The API decides what is allowed (`TaskDetail.allowed`: outcomes, actions, return
 * targets); this file names the outcomes the way a 办文 clerk says them (送核稿, 需会签, 签发,
 * 编号登记, 批办…) and says which inputs a step needs (会签人, 主办部门, 保管期限…).
 *
 * Steps come from CurrentTask.step (oa/documents/steps.py); a step a unit added to its flow
 * has no name here and gets the workflow's plain outcome buttons.
 */
import type { CompleteInput, ReturnInput, TaskAllowed } from '@/api/types'

export type Field =
  | 'opinion'
  | 'countersigners'
  | 'return_target'
  | 'lead_department'
  | 'helper_departments'
  | 'deadline'
  | 'readers'
  | 'retention'

export interface StepAction {
  /** complete: POST …/complete/ with the outcome; return: POST …/return/ to an earlier step. */
  kind: 'complete' | 'return'
  outcome?: string
  /** i18n key of the button and the dialog title. */
  label: string
  type: 'primary' | 'success' | 'warning' | 'danger' | 'default'
  testid: string
  /** The inputs the dialog asks for (always at least the opinion box). */
  fields: Field[]
  /** Which of them must be filled before sending. */
  required: Field[]
  /** i18n key of the opinion box's label (意见 / 退回理由 / 拟办意见 / 批示…). */
  opinionLabel: string
}

type Spec = Omit<StepAction, 'kind' | 'outcome' | 'testid'>

const OPINION = 'documents.field.opinion'
const REASON = 'documents.field.reason'

const plain = (label: string, type: StepAction['type'] = 'primary', opinionLabel = OPINION): Spec => ({
  label,
  type,
  fields: ['opinion'],
  required: [],
  opinionLabel,
})
const withReason = (label: string): Spec => ({
  label,
  type: 'warning',
  fields: ['opinion'],
  required: ['opinion'],
  opinionLabel: REASON,
})

/** step → outcome → how it is shown. Outcomes the API does not allow are never shown. */
const STEPS: Record<string, Record<string, Spec>> = {
  // 发文
  draft: { approve: plain('documents.action.submitReview') },
  review: {
    approve: plain('documents.action.reviewApprove'),
    countersign: {
      label: 'documents.action.countersign',
      type: 'primary',
      fields: ['countersigners', 'opinion'],
      required: ['countersigners'],
      opinionLabel: OPINION,
    },
    return: withReason('documents.action.returnForRevision'),
  },
  countersign: {
    approve: plain('documents.action.countersignApprove'),
    reject: { ...withReason('documents.action.countersignReject'), type: 'danger' },
  },
  sign_off: {
    approve: { ...plain('documents.action.signOff', 'primary', 'documents.field.signOpinion') },
    return: withReason('documents.action.returnToDrafter'),
  },
  recheck: { approve: plain('documents.action.recheck') },
  register: { approve: plain('documents.action.register') },
  seal: { approve: plain('documents.action.seal') },
  dispatch: { approve: plain('documents.action.dispatch') },
  // 收文
  acknowledge: { approve: plain('documents.action.acknowledge') },
  first_check: {
    approve: plain('documents.action.accept'),
    return: { ...withReason('documents.action.returnToSender'), type: 'danger' },
  },
  return_to_sender: { approve: plain('documents.action.confirmReturn', 'warning') },
  propose: { approve: plain('documents.action.propose', 'primary', 'documents.field.proposal') },
  instruct: {
    approve: {
      label: 'documents.action.instruct',
      type: 'primary',
      fields: ['lead_department', 'helper_departments', 'deadline', 'readers', 'opinion'],
      required: ['lead_department', 'readers'],
      opinionLabel: 'documents.field.instruction',
    },
  },
  handle: { approve: plain('documents.action.handle', 'primary', 'documents.field.handling') },
  circulate: { approve: plain('documents.action.read', 'success') },
  complete: { approve: plain('documents.action.complete') },
  archive: {
    approve: {
      label: 'documents.action.archive',
      type: 'primary',
      fields: ['retention', 'opinion'],
      required: ['retention'],
      opinionLabel: OPINION,
    },
  },
}
// 收文's 登记 shares the code "register" with 发文's 编号登记; the direction tells them apart.
const INCOMING_REGISTER: Record<string, Spec> = { approve: plain('documents.action.registerIncoming') }

/** Outcomes whose button would mislead on a document step (the flow ignores them there). */
const HIDDEN = new Set(['reject'])

function specsFor(step: string, direction: 'outgoing' | 'incoming'): Record<string, Spec> | undefined {
  if (step === 'register' && direction === 'incoming') return INCOMING_REGISTER
  return STEPS[step]
}

export function stepActions(
  step: string,
  direction: 'outgoing' | 'incoming',
  allowed: TaskAllowed | null | undefined,
): StepAction[] {
  if (!allowed || !allowed.actions.includes('complete')) return []
  const specs = specsFor(step, direction)
  const out: StepAction[] = []
  for (const outcome of allowed.outcomes) {
    const spec = specs?.[outcome]
    if (spec) {
      out.push({ kind: 'complete', outcome, testid: `doc-action-${outcome}`, ...spec })
    } else if (!specs || !HIDDEN.has(outcome)) {
      // A step (or outcome) this page has no name for: the workflow's own words.
      out.push({
        kind: 'complete',
        outcome,
        testid: `doc-action-${outcome}`,
        label: `workflow.outcome.${outcome}`,
        type: outcome === 'reject' ? 'danger' : 'primary',
        fields: ['opinion'],
        required: outcome === 'reject' ? ['opinion'] : [],
        opinionLabel: OPINION,
      })
    }
  }
  // 退回 to an earlier step, unless the step has its own return outcome (核稿, 签发, 初审);
  // never from 起草, whose only earlier step is the drafter's own start.
  const ownReturn = out.some((a) => a.outcome === 'return')
  if (!ownReturn && step !== 'draft' && allowed.actions.includes('return') && allowed.return_targets.length) {
    out.push({
      kind: 'return',
      label: 'documents.action.returnTo',
      type: 'warning',
      testid: 'doc-action-return-to',
      fields: ['return_target', 'opinion'],
      required: ['return_target', 'opinion'],
      opinionLabel: REASON,
    })
  }
  return out
}

/** What the dialog collects. */
export interface ActionForm {
  opinion: string
  countersigners: string[]
  return_target: string
  lead_department: number | null
  helper_departments: number[]
  deadline: string
  readers: string[]
  retention: '' | 'Y' | 'D30' | 'D10'
}

export function emptyForm(): ActionForm {
  return {
    opinion: '',
    countersigners: [],
    return_target: '',
    lead_department: null,
    helper_departments: [],
    deadline: '',
    readers: [],
    retention: '',
  }
}

function filled(form: ActionForm, field: Field): boolean {
  const value = form[field]
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'string') return value.trim().length > 0
  return value !== null && value !== undefined
}

/**
 * Problems to show before sending (field → i18n key). The backend checks the same and
 * more; this only saves a round trip for an empty box. 批办 of an urgent document needs a
 * deadline (条例第二十五条).
 */
export function checkForm(action: StepAction, form: ActionForm, urgent = false): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const field of action.required) {
    if (!filled(form, field)) problems[field] = 'documents.problem.required'
  }
  if (action.fields.includes('deadline') && urgent && !form.deadline) {
    problems.deadline = 'documents.problem.deadlineUrgent'
  }
  return problems
}

export type StepRequest = { kind: 'complete'; body: CompleteInput } | { kind: 'return'; body: ReturnInput }

/** The request body for a button and the dialog's values: only the step's own data is sent. */
export function buildRequest(action: StepAction, form: ActionForm): StepRequest {
  const opinion = form.opinion.trim()
  if (action.kind === 'return') {
    return { kind: 'return', body: { to_element: form.return_target, opinion } }
  }
  const data: Record<string, unknown> = {}
  if (action.fields.includes('countersigners')) data.countersigners = [...form.countersigners]
  if (action.fields.includes('lead_department')) {
    data.lead_department = form.lead_department
    data.helper_departments = form.helper_departments.filter((d) => d !== form.lead_department)
    data.readers = [...form.readers]
    if (form.deadline) data.deadline = form.deadline
  }
  if (action.fields.includes('retention')) data.retention = form.retention
  return { kind: 'complete', body: { outcome: action.outcome ?? 'approve', opinion, data } }
}
