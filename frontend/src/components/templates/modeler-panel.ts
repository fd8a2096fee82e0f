/**
 * The logic of the modeler's side panel, kept out of the component so it can be tested
 * without a canvas: the assignment rules of `camunda:candidateGroups` as a list, and the
 * 多人审批方式 of a user task as BPMN multi-instance loop settings (docs/workflow.md §2, §6).
 */

// ------------------------------------------------------------ assignment rules

export type RuleKind = 'user' | 'role' | 'dept' | 'dept_head' | 'starter'
/** A rule the panel cannot read (a typo, a future kind) is kept as it was written. */
export type Rule = { kind: RuleKind; value: string } | { kind: 'raw'; value: string }

const KINDS: readonly RuleKind[] = ['user', 'role', 'dept', 'dept_head', 'starter']

/** `role:leader, dept_head:office，starter` → rules, in order (both commas, like the engine). */
export function parseRules(text: string | null | undefined): Rule[] {
  const rules: Rule[] = []
  for (const raw of (text ?? '').split(/[,，]/)) {
    const part = raw.trim()
    if (!part) continue
    if (part === 'starter') {
      rules.push({ kind: 'starter', value: '' })
      continue
    }
    const at = part.indexOf(':')
    const kind = part.slice(0, at).trim() as RuleKind
    const value = part.slice(at + 1).trim()
    rules.push(at > 0 && KINDS.includes(kind) && kind !== 'starter' && value ? { kind, value } : { kind: 'raw', value: part })
  }
  return rules
}

export function ruleText(rule: Rule): string {
  if (rule.kind === 'raw') return rule.value
  return rule.kind === 'starter' ? 'starter' : `${rule.kind}:${rule.value}`
}

export function formatRules(rules: readonly Rule[]): string {
  return rules.map(ruleText).join(', ')
}

/** The rules with one more (none twice). */
export function addRule(text: string | null | undefined, rule: Rule): string {
  const rules = parseRules(text)
  const added = ruleText(rule)
  return rules.some((r) => ruleText(r) === added) ? formatRules(rules) : formatRules([...rules, rule])
}

export function removeRule(text: string | null | undefined, index: number): string {
  return formatRules(parseRules(text).filter((_, i) => i !== index))
}

export interface Directory {
  /** username → display name */
  people: ReadonlyMap<string, string>
  /** role code → name */
  roles: ReadonlyMap<string, string>
  /** department code (or name) → name */
  departments: ReadonlyMap<string, string>
}

/** How a rule reads for people: an i18n key for its kind and the name it points at. */
export function ruleLabel(rule: Rule, dir: Directory): { kind: string; name: string } {
  switch (rule.kind) {
    case 'user':
      return { kind: 'user', name: dir.people.get(rule.value) ?? rule.value }
    case 'role':
      return { kind: 'role', name: dir.roles.get(rule.value) ?? rule.value }
    case 'dept':
      return { kind: 'dept', name: dir.departments.get(rule.value) ?? rule.value }
    case 'dept_head':
      return rule.value === 'starter'
        ? { kind: 'starterHead', name: '' }
        : { kind: 'dept_head', name: dir.departments.get(rule.value) ?? rule.value }
    case 'starter':
      return { kind: 'starter', name: '' }
    default:
      return { kind: 'raw', name: rule.value }
  }
}

// ------------------------------------------------------------ 多人审批方式

/**
 * single: one person (or the first of a pool) handles the step;
 * countersign 会签: everyone signs, in parallel;
 * orsign 或签: in parallel, the first decision ends the step;
 * sequential 依次审批: one after another, in the rules' order.
 */
export type SignMode = 'single' | 'countersign' | 'orsign' | 'sequential'
export const SIGN_MODES: readonly SignMode[] = ['single', 'countersign', 'orsign', 'sequential']

/** 或签: the engine ends the step after the first decision and cancels the other signers' tasks. */
export const ORSIGN_CONDITION = 'nrOfCompletedInstances >= 1'
/** 一票否决: the first rejection ends a 会签, or stops a 依次审批 chain. */
export const VETO_CONDITION = 'decision == "reject"'

/** What a `bpmn:multiInstanceLoopCharacteristics` holds, as the panel reads and writes it. */
export interface LoopSpec {
  isSequential: boolean
  collection: string
  elementVariable: string
  completionCondition: string | null
}

export interface SignSettings {
  mode: SignMode
  veto: boolean
  /** A completion condition the panel did not write (kept as is, shown read-only). */
  customCondition: string | null
  collection: string
  elementVariable: string
}

const same = (a: string | null | undefined, b: string) => (a ?? '').replace(/\s+/g, '') === b.replace(/\s+/g, '')

export function readLoop(loop: LoopSpec | null | undefined): SignSettings {
  if (!loop) return { mode: 'single', veto: false, customCondition: null, collection: '', elementVariable: '' }
  const condition = (loop.completionCondition ?? '').trim() || null
  const names = { collection: loop.collection, elementVariable: loop.elementVariable }
  if (loop.isSequential) {
    const veto = same(condition, VETO_CONDITION)
    return { mode: 'sequential', veto, customCondition: condition && !veto ? condition : null, ...names }
  }
  if (same(condition, ORSIGN_CONDITION)) return { mode: 'orsign', veto: false, customCondition: null, ...names }
  const veto = same(condition, VETO_CONDITION)
  return { mode: 'countersign', veto, customCondition: condition && !veto ? condition : null, ...names }
}

/** Variable names for a step's signers: its own collection (docs §6: one per step), from its id. */
export function signerVariables(taskId: string): { collection: string; elementVariable: string } {
  let base = taskId.replace(/[^A-Za-z0-9_]/g, '_')
  if (!/^[A-Za-z]/.test(base)) base = `step_${base}`
  return { collection: `${base}_signers`, elementVariable: `${base}_signer` }
}

/**
 * The loop for a mode (null: a single-person step). Variable names the step already has are
 * kept, so a flow's forms or start data that fill the collection keep working; a custom
 * completion condition is kept while the mode stays the same.
 */
export function loopFor(
  mode: SignMode,
  taskId: string,
  opts: { veto?: boolean; current?: SignSettings | null } = {},
): LoopSpec | null {
  if (mode === 'single') return null
  const current = opts.current && opts.current.mode !== 'single' ? opts.current : null
  const names = current?.collection && current.elementVariable
    ? { collection: current.collection, elementVariable: current.elementVariable }
    : signerVariables(taskId)
  let completionCondition: string | null = null
  if (mode === 'orsign') completionCondition = ORSIGN_CONDITION
  else if (opts.veto) completionCondition = VETO_CONDITION
  else if (current?.mode === mode && current.customCondition) completionCondition = current.customCondition
  return { isSequential: mode === 'sequential', ...names, completionCondition }
}

/** 依次审批 stops at a rejection unless told otherwise (docs §6 recommends it); 会签 does not. */
export function defaultVeto(mode: SignMode): boolean {
  return mode === 'sequential'
}

/**
 * A word for the admin before saving (the server has the last word): a multi-person step
 * whose rules name exactly one person has nobody to sign alongside them.
 */
export function signersHint(mode: SignMode, rules: readonly Rule[]): 'none' | 'onlyOne' | null {
  if (mode === 'single') return null
  if (!rules.length) return 'none'
  const groups = rules.some((r) => r.kind === 'role' || r.kind === 'dept' || r.kind === 'raw' || r.value.includes('${'))
  const people = rules.filter((r) => r.kind === 'user' || r.kind === 'starter' || r.kind === 'dept_head')
  // dept_head may name several people (ties), and several rules may name the same person:
  // only the plain case is flagged.
  return !groups && people.length === 1 && people[0]!.kind !== 'dept_head' ? 'onlyOne' : null
}

// ------------------------------------------------------------ writing it through the moddle

/** The little of bpmn-js's moddle the panel uses (bpmn-js `modeler.get('moddle')`). */
export interface ModdleElement {
  $type: string
  $parent?: ModdleElement
  get: (name: string) => unknown
  set: (name: string, value: unknown) => void
}
export interface Moddle {
  create: (type: string, attrs?: Record<string, unknown>) => ModdleElement
}

/**
 * The `bpmn:multiInstanceLoopCharacteristics` for a spec, as moddle elements (what
 * `modeling.updateProperties(task, { loopCharacteristics })` takes): Camunda's
 * collection/elementVariable attributes, the completion condition a `bpmn:FormalExpression`.
 */
export function buildLoop(moddle: Moddle, spec: LoopSpec, task: ModdleElement): ModdleElement {
  const loop = moddle.create('bpmn:MultiInstanceLoopCharacteristics', { isSequential: spec.isSequential })
  loop.set('camunda:collection', spec.collection)
  loop.set('camunda:elementVariable', spec.elementVariable)
  if (spec.completionCondition) {
    const condition = moddle.create('bpmn:FormalExpression', { body: spec.completionCondition })
    condition.$parent = loop
    loop.set('completionCondition', condition)
  }
  loop.$parent = task
  return loop
}

/** The loop a task has, as a spec (null: none, or a standard loop the server refuses anyway). */
export function loopSpecOf(task: ModdleElement): LoopSpec | null {
  const loop = task.get('loopCharacteristics') as ModdleElement | undefined
  if (!loop || loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics') return null
  const condition = loop.get('completionCondition') as ModdleElement | undefined
  return {
    isSequential: !!loop.get('isSequential'),
    collection: String(loop.get('camunda:collection') ?? ''),
    elementVariable: String(loop.get('camunda:elementVariable') ?? ''),
    completionCondition: condition ? String(condition.get('body') ?? '') : null,
  }
}

// ------------------------------------------------------------ the view

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

/**
 * The viewbox showing the whole diagram (`inner`) in the canvas (`outer`), never enlarged,
 * with room on the left for bpmn-js's palette, which floats over the canvas (its
 * 'fit-viewport' puts the start event under it).
 */
export function fitViewbox(
  inner: Box,
  outer: { width: number; height: number },
  margin = { left: 120, top: 24, right: 24, bottom: 24 },
): Box {
  const room = {
    width: Math.max(outer.width - margin.left - margin.right, 1),
    height: Math.max(outer.height - margin.top - margin.bottom, 1),
  }
  const scale = Math.min(1, room.width / Math.max(inner.width, 1), room.height / Math.max(inner.height, 1))
  return {
    x: inner.x - margin.left / scale,
    y: inner.y - margin.top / scale,
    width: outer.width / scale,
    height: outer.height / scale,
  }
}
