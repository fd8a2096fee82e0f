import { describe, expect, it } from 'vitest'
import type { TaskAllowed } from '@/api/types'
import { buildRequest, checkForm, emptyForm, stepActions } from '../step-actions'

const allowed = (outcomes: string[], extra: Partial<TaskAllowed> = {}): TaskAllowed => ({
  actions: ['complete', 'transfer', 'add_signer', 'circulate'],
  outcomes,
  return_targets: [],
  ...extra,
})

describe('stepActions', () => {
  it('shows nothing when I may not complete the step', () => {
    expect(stepActions('review', 'outgoing', undefined)).toEqual([])
    expect(stepActions('review', 'outgoing', { actions: ['remind'], outcomes: [], return_targets: [] })).toEqual([])
  })

  it('names 核稿’s outcomes and asks for countersigners and a reason', () => {
    const actions = stepActions('review', 'outgoing', allowed(['approve', 'countersign', 'return']))
    expect(actions.map((a) => [a.outcome, a.label])).toEqual([
      ['approve', 'documents.action.reviewApprove'],
      ['countersign', 'documents.action.countersign'],
      ['return', 'documents.action.returnForRevision'],
    ])
    expect(actions[1]).toMatchObject({ fields: ['countersigners', 'opinion'], required: ['countersigners'] })
    expect(actions[2]).toMatchObject({ required: ['opinion'], opinionLabel: 'documents.field.reason' })
  })

  it('hides 不同意 where the flow would just move on, keeps it at 会签', () => {
    expect(stepActions('draft', 'outgoing', allowed(['approve', 'reject'])).map((a) => a.label)).toEqual([
      'documents.action.submitReview',
    ])
    expect(stepActions('countersign', 'outgoing', allowed(['approve', 'reject'])).map((a) => a.outcome)).toEqual([
      'approve',
      'reject',
    ])
  })

  it('tells 发文’s 编号登记 from 收文’s 登记 by the direction', () => {
    expect(stepActions('register', 'outgoing', allowed(['approve', 'reject']))[0]!.label).toBe('documents.action.register')
    expect(stepActions('register', 'incoming', allowed(['approve', 'reject']))[0]!.label).toBe(
      'documents.action.registerIncoming',
    )
  })

  it('offers 退回 to an earlier step only where the step has no return outcome of its own', () => {
    const targets = [{ element_id: 'Task_Review', name: '核稿' }]
    const recheck = stepActions('recheck', 'outgoing', allowed(['approve', 'reject'], {
      actions: ['complete', 'return'],
      return_targets: targets,
    }))
    expect(recheck.map((a) => a.testid)).toEqual(['doc-action-approve', 'doc-action-return-to'])
    expect(recheck[1]).toMatchObject({ kind: 'return', required: ['return_target', 'opinion'] })
    const signOff = stepActions('sign_off', 'outgoing', allowed(['approve', 'return'], {
      actions: ['complete', 'return'],
      return_targets: targets,
    }))
    expect(signOff.map((a) => a.testid)).toEqual(['doc-action-approve', 'doc-action-return'])
  })

  it('gives a step the unit added to its flow the workflow’s plain buttons', () => {
    const actions = stepActions('', 'outgoing', allowed(['approve', 'reject']))
    expect(actions.map((a) => [a.label, a.required])).toEqual([
      ['workflow.outcome.approve', []],
      ['workflow.outcome.reject', ['opinion']],
    ])
  })
})

describe('buildRequest', () => {
  it('sends 会签人 by username with the countersign outcome', () => {
    const [, countersign] = stepActions('review', 'outgoing', allowed(['approve', 'countersign', 'return']))
    const form = { ...emptyForm(), countersigners: ['zhang', 'li'], opinion: '  请会签。 ' }
    expect(buildRequest(countersign!, form)).toEqual({
      kind: 'complete',
      body: { outcome: 'countersign', opinion: '请会签。', data: { countersigners: ['zhang', 'li'] } },
    })
  })

  it('sends 批办’s departments, readers and deadline, never the lead department as a helper', () => {
    const [instruct] = stepActions('instruct', 'incoming', allowed(['approve', 'reject']))
    const form = {
      ...emptyForm(),
      lead_department: 3,
      helper_departments: [3, 5],
      readers: ['deputy'],
      deadline: '2026-02-01',
      opinion: '请办公室牵头办理。',
    }
    expect(buildRequest(instruct!, form)).toEqual({
      kind: 'complete',
      body: {
        outcome: 'approve',
        opinion: '请办公室牵头办理。',
        data: { lead_department: 3, helper_departments: [5], readers: ['deputy'], deadline: '2026-02-01' },
      },
    })
    expect(buildRequest(instruct!, { ...form, deadline: '' }).body).not.toHaveProperty('data.deadline')
  })

  it('sends the retention at 归档 and plain steps no data at all', () => {
    const [archive] = stepActions('archive', 'incoming', allowed(['approve']))
    expect(buildRequest(archive!, { ...emptyForm(), retention: 'Y' }).body).toMatchObject({ data: { retention: 'Y' } })
    const [seal] = stepActions('seal', 'outgoing', allowed(['approve', 'reject']))
    expect(buildRequest(seal!, emptyForm())).toEqual({ kind: 'complete', body: { outcome: 'approve', opinion: '', data: {} } })
  })

  it('turns 退回 into a return to the chosen step with the reason', () => {
    const actions = stepActions('seal', 'outgoing', allowed(['approve'], {
      actions: ['complete', 'return'],
      return_targets: [{ element_id: 'Task_Register', name: '编号登记' }],
    }))
    const back = actions.find((a) => a.kind === 'return')!
    expect(buildRequest(back, { ...emptyForm(), return_target: 'Task_Register', opinion: '编号有误' })).toEqual({
      kind: 'return',
      body: { to_element: 'Task_Register', opinion: '编号有误' },
    })
  })
})

describe('checkForm', () => {
  it('names the empty required inputs', () => {
    const [, countersign, back] = stepActions('review', 'outgoing', allowed(['approve', 'countersign', 'return']))
    expect(checkForm(countersign!, emptyForm())).toEqual({ countersigners: 'documents.problem.required' })
    expect(checkForm(back!, { ...emptyForm(), opinion: '   ' })).toEqual({ opinion: 'documents.problem.required' })
    expect(checkForm(back!, { ...emptyForm(), opinion: '标题不规范' })).toEqual({})
  })

  it('needs a deadline at 批办 of an urgent document only', () => {
    const [instruct] = stepActions('instruct', 'incoming', allowed(['approve']))
    const form = { ...emptyForm(), lead_department: 1, readers: ['deputy'] }
    expect(checkForm(instruct!, form, false)).toEqual({})
    expect(checkForm(instruct!, form, true)).toEqual({ deadline: 'documents.problem.deadlineUrgent' })
    expect(checkForm(instruct!, { ...form, deadline: '2026-02-01' }, true)).toEqual({})
  })
})
