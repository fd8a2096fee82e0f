import { describe, expect, it } from 'vitest'
import { BpmnModdle } from 'bpmn-moddle'
import camunda from 'camunda-bpmn-moddle/resources/camunda.json'
import {
  ORSIGN_CONDITION,
  VETO_CONDITION,
  addRule,
  buildLoop,
  fitViewbox,
  formatRules,
  loopFor,
  loopSpecOf,
  parseRules,
  readLoop,
  removeRule,
  ruleLabel,
  signerVariables,
  signersHint,
} from '../modeler-panel'

describe('assignment rules', () => {
  it('reads candidateGroups like the engine, both commas, unknown parts kept as written', () => {
    expect(parseRules('dept_head:office，role:leader, starter, dept_head:starter, boss, user:')).toEqual([
      { kind: 'dept_head', value: 'office' },
      { kind: 'role', value: 'leader' },
      { kind: 'starter', value: '' },
      { kind: 'dept_head', value: 'starter' },
      { kind: 'raw', value: 'boss' },
      { kind: 'raw', value: 'user:' },
    ])
    expect(parseRules('')).toEqual([])
    expect(formatRules(parseRules(' role:leader ,user:${signer}'))).toBe('role:leader, user:${signer}')
  })

  it('adds a rule once and removes one by position', () => {
    let text = addRule('', { kind: 'dept_head', value: 'office' })
    text = addRule(text, { kind: 'dept_head', value: 'secretariat' })
    text = addRule(text, { kind: 'dept_head', value: 'office' })
    expect(text).toBe('dept_head:office, dept_head:secretariat')
    expect(removeRule(text, 0)).toBe('dept_head:secretariat')
    expect(removeRule('starter', 0)).toBe('')
  })

  it('names what a rule points at from the directory, falling back to the code', () => {
    const dir = {
      people: new Map([['director', '林建国']]),
      roles: new Map([['leader', '领导']]),
      departments: new Map([['office', '办公室']]),
    }
    expect(ruleLabel({ kind: 'user', value: 'director' }, dir)).toEqual({ kind: 'user', name: '林建国' })
    expect(ruleLabel({ kind: 'dept_head', value: 'office' }, dir)).toEqual({ kind: 'dept_head', name: '办公室' })
    expect(ruleLabel({ kind: 'dept_head', value: 'starter' }, dir)).toEqual({ kind: 'starterHead', name: '' })
    expect(ruleLabel({ kind: 'role', value: 'nobody' }, dir)).toEqual({ kind: 'role', name: 'nobody' })
  })
})

describe('多人审批方式 as a multi-instance loop', () => {
  it('gives each step its own signer variables, usable as identifiers', () => {
    expect(signerVariables('Activity_0x1')).toEqual({
      collection: 'Activity_0x1_signers',
      elementVariable: 'Activity_0x1_signer',
    })
    expect(signerVariables('review-2.a').collection).toBe('review_2_a_signers')
    expect(signerVariables('_x').collection).toBe('step__x_signers')
  })

  it('writes 会签, 或签 and 依次审批 the way docs/workflow.md §6 describes', () => {
    expect(loopFor('single', 'T')).toBeNull()
    expect(loopFor('countersign', 'T')).toEqual({
      isSequential: false,
      collection: 'T_signers',
      elementVariable: 'T_signer',
      completionCondition: null,
    })
    expect(loopFor('countersign', 'T', { veto: true })?.completionCondition).toBe(VETO_CONDITION)
    expect(loopFor('orsign', 'T', { veto: true })).toMatchObject({ isSequential: false, completionCondition: ORSIGN_CONDITION })
    expect(loopFor('sequential', 'T', { veto: true })).toMatchObject({ isSequential: true, completionCondition: VETO_CONDITION })
  })

  it('reads back what it wrote', () => {
    for (const [mode, veto] of [
      ['countersign', false],
      ['countersign', true],
      ['orsign', false],
      ['sequential', true],
      ['sequential', false],
    ] as const) {
      expect(readLoop(loopFor(mode, 'T', { veto }))).toMatchObject({ mode, veto, customCondition: null })
    }
    expect(readLoop(null).mode).toBe('single')
  })

  it('keeps the names a step already has and a hand-written condition while the mode stays', () => {
    const current = readLoop({
      isSequential: false,
      collection: 'heads',
      elementVariable: 'head',
      completionCondition: 'nrOfApprovals > nrOfInstances / 2',
    })
    expect(current).toMatchObject({ mode: 'countersign', veto: false, customCondition: 'nrOfApprovals > nrOfInstances / 2' })
    expect(loopFor('countersign', 'T', { current })).toEqual({
      isSequential: false,
      collection: 'heads',
      elementVariable: 'head',
      completionCondition: 'nrOfApprovals > nrOfInstances / 2',
    })
    // switching to 依次审批 keeps the variables but not the 会签's own condition
    expect(loopFor('sequential', 'T', { current })).toEqual({
      isSequential: true,
      collection: 'heads',
      elementVariable: 'head',
      completionCondition: null,
    })
    // the or-sign condition is recognised however it is spaced
    const spaced = { isSequential: false, collection: 'heads', elementVariable: 'head' }
    expect(readLoop({ ...spaced, completionCondition: 'nrOfCompletedInstances>=1' }).mode).toBe('orsign')
  })

  it('warns about a multi-person step with nobody, or only one person, to sign', () => {
    expect(signersHint('single', [])).toBeNull()
    expect(signersHint('countersign', [])).toBe('none')
    expect(signersHint('countersign', parseRules('user:director'))).toBe('onlyOne')
    expect(signersHint('countersign', parseRules('user:director, user:secretary'))).toBeNull()
    expect(signersHint('orsign', parseRules('role:leader'))).toBeNull()
    expect(signersHint('sequential', parseRules('user:${signer}'))).toBeNull()
    expect(signersHint('countersign', parseRules('dept_head:office'))).toBeNull()
  })
})

describe('the loop written through bpmn-moddle (what bpmn-js saves)', () => {
  const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:userTask id="heads" name="会签" camunda:candidateGroups="dept_head:office, dept_head:secretariat" />
  </bpmn:process>
</bpmn:definitions>`

  async function withLoop(mode: 'countersign' | 'orsign' | 'sequential', veto = false) {
    const moddle = BpmnModdle({ camunda })
    const { rootElement } = await moddle.fromXML(XML)
    const task = rootElement.rootElements[0]!.flowElements[0]!
    const spec = loopFor(mode, 'heads', { veto })!
    task.set('loopCharacteristics', buildLoop(moddle, spec, task))
    const { xml } = await moddle.toXML(rootElement)
    const again = (await moddle.fromXML(xml)).rootElement.rootElements[0]!.flowElements[0]!
    return { xml, spec: loopSpecOf(again) }
  }

  it('writes a 会签 as a parallel multi-instance with Camunda collection attributes', async () => {
    const { xml, spec } = await withLoop('countersign')
    expect(xml).toMatch(
      /<bpmn:multiInstanceLoopCharacteristics camunda:collection="heads_signers" camunda:elementVariable="heads_signer" \/>/,
    )
    expect(spec).toEqual(loopFor('countersign', 'heads'))
  })

  it('writes 或签 and 依次审批 with their completion conditions as formal expressions', async () => {
    const orsign = await withLoop('orsign')
    expect(orsign.xml).toContain(
      '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">nrOfCompletedInstances &gt;= 1</bpmn:completionCondition>',
    )
    expect(readLoop(orsign.spec).mode).toBe('orsign')
    const sequential = await withLoop('sequential', true)
    expect(sequential.xml).toContain('isSequential="true"')
    expect(readLoop(sequential.spec)).toMatchObject({ mode: 'sequential', veto: true })
  })
})

describe('fitViewbox', () => {
  it('fits a wide diagram, leaving the palette its room on the left', () => {
    const box = fitViewbox({ x: 150, y: 100, width: 1090, height: 400 }, { width: 744, height: 620 })
    const scale = 744 / box.width
    expect(scale).toBeCloseTo((744 - 144) / 1090)
    // the diagram's left edge lands 120 px into the canvas, its right edge 24 px short of the end
    expect((150 - box.x) * scale).toBeCloseTo(120)
    expect((150 + 1090 - box.x) * scale).toBeCloseTo(744 - 24)
  })
  it('never enlarges a small diagram', () => {
    const box = fitViewbox({ x: 0, y: 0, width: 200, height: 100 }, { width: 800, height: 600 })
    expect(box).toEqual({ x: -120, y: -24, width: 800, height: 600 })
  })
})
