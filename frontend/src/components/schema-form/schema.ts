/**
 * A small JSON Schema subset → form fields. Supported: type string / number / integer /
 * boolean, `enum` (with optional `enumNames` or `oneOf: [{const, title}]`), `format: date`
 * and `date-time`, `required`, `title`, `description`, `default`, `minLength`/`maxLength`,
 * `minimum`/`maximum`, `pattern`. Arrays and objects (uploads, sub-forms) are skipped.
 *
 * Layout comes from the form template's `ui` (templates_lib/builtin/forms/*.json):
 *   { "order": ["a", "b"], "fields": { "a": { "widget": "textarea", "width": 12, "help": "…" } } }
 * `width` is a column span of 24 (default 24; 12 = half a row). The `ui:order` / `ui:widget` /
 * `ui:width` keywords inside the schema are read too.
 */

export interface FormUiField {
  widget?: string
  width?: number
  help?: string
  placeholder?: string
  rows?: number
}

export interface FormUi {
  order?: string[]
  fields?: Record<string, FormUiField>
  submit_label?: string
}

/** A form template's content. */
export interface FormTemplate {
  schema: JsonSchema
  ui?: FormUi
}

export interface JsonSchemaProperty {
  type?: string | string[]
  title?: string
  description?: string
  enum?: unknown[]
  enumNames?: string[]
  oneOf?: { const?: unknown; title?: string }[]
  format?: string
  default?: unknown
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  pattern?: string
  'ui:widget'?: string
  'ui:width'?: number
  'ui:placeholder'?: string
}

export interface JsonSchema {
  type?: string
  title?: string
  properties?: Record<string, JsonSchemaProperty>
  required?: string[]
  'ui:order'?: string[]
  ui?: Record<string, Partial<JsonSchemaProperty>> & { 'ui:order'?: string[] }
}

export type Widget = 'text' | 'textarea' | 'number' | 'integer' | 'switch' | 'select' | 'date' | 'datetime'

export interface FieldSpec {
  name: string
  label: string
  widget: Widget
  required: boolean
  span: number
  description?: string
  placeholder?: string
  options: { value: unknown; label: string }[]
  min?: number
  max?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  rows?: number
  default?: unknown
}

function baseType(prop: JsonSchemaProperty | undefined): string {
  if (!prop) return 'string'
  const t = Array.isArray(prop.type) ? prop.type.find((x) => x !== 'null') : prop.type
  return t ?? (prop.enum || prop.oneOf ? 'string' : 'string')
}

function optionsOf(prop: JsonSchemaProperty): { value: unknown; label: string }[] {
  if (prop.enum) {
    return prop.enum.map((value, i) => ({ value, label: prop.enumNames?.[i] ?? String(value) }))
  }
  if (prop.oneOf && prop.oneOf.every((o) => 'const' in o)) {
    return prop.oneOf.map((o) => ({ value: o.const, label: o.title ?? String(o.const) }))
  }
  return []
}

function widgetOf(prop: JsonSchemaProperty, options: unknown[]): Widget {
  const hint = prop['ui:widget']
  if (hint === 'textarea') return 'textarea'
  if (options.length) return 'select'
  const type = baseType(prop)
  if (type === 'boolean') return 'switch'
  if (type === 'integer') return 'integer'
  if (type === 'number') return 'number'
  if (prop.format === 'date') return 'date'
  if (prop.format === 'date-time') return 'datetime'
  if (prop.maxLength && prop.maxLength > 200) return 'textarea'
  return 'text'
}

const SKIPPED = new Set(['array', 'object'])

/** The schema's fields in display order (ui order first, then the rest as declared). */
export function fieldsOf(schema: JsonSchema | null | undefined, formUi?: FormUi | null): FieldSpec[] {
  const props = schema?.properties ?? {}
  const ui = schema?.ui ?? {}
  const order = formUi?.order ?? schema?.['ui:order'] ?? ui['ui:order'] ?? []
  const names = [
    ...order.filter((n) => n in props),
    ...Object.keys(props).filter((n) => !order.includes(n)),
  ].filter((n) => !SKIPPED.has(baseType(props[n])) && formUi?.fields?.[n]?.widget !== 'upload')
  const required = new Set(schema?.required ?? [])
  return names.map((name) => {
    const hint = formUi?.fields?.[name] ?? {}
    const prop: JsonSchemaProperty = {
      ...props[name],
      ...((ui[name] as JsonSchemaProperty) ?? {}),
      ...(hint.widget ? { 'ui:widget': hint.widget } : {}),
      ...(hint.width ? { 'ui:width': hint.width } : {}),
      ...(hint.placeholder ? { 'ui:placeholder': hint.placeholder } : {}),
    }
    const options = optionsOf(prop)
    const width = Number(prop['ui:width'])
    return {
      name,
      label: prop.title ?? name,
      widget: widgetOf(prop, options),
      required: required.has(name),
      span: width >= 1 && width <= 24 ? Math.round(width) : 24,
      description: hint.help ?? prop.description,
      placeholder: prop['ui:placeholder'],
      options,
      min: prop.minimum,
      max: prop.maximum,
      minLength: prop.minLength,
      maxLength: prop.maxLength,
      pattern: prop.pattern,
      rows: hint.rows,
      default: prop.default,
    }
  })
}

/** Initial values: given data first, then each field's default (switches start false). */
export function initialValues(fields: FieldSpec[], data?: Record<string, unknown> | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    if (data && data[f.name] !== undefined) out[f.name] = data[f.name]
    else if (f.default !== undefined) out[f.name] = f.default
    else out[f.name] = f.widget === 'switch' ? false : undefined
  }
  return out
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value)
  } catch {
    return true
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)
}

export type Problem = 'required' | 'min' | 'max' | 'minLength' | 'maxLength' | 'integer' | 'pattern'

/** Client-side checks mirroring the schema; the server checks again. */
export function validate(fields: FieldSpec[], values: Record<string, unknown>): Record<string, Problem> {
  const problems: Record<string, Problem> = {}
  for (const f of fields) {
    const v = values[f.name]
    if (isEmpty(v)) {
      if (f.required) problems[f.name] = 'required'
      continue
    }
    if (f.widget === 'integer' && !Number.isInteger(v)) problems[f.name] = 'integer'
    else if (typeof v === 'number' && f.min !== undefined && v < f.min) problems[f.name] = 'min'
    else if (typeof v === 'number' && f.max !== undefined && v > f.max) problems[f.name] = 'max'
    else if (typeof v === 'string' && f.maxLength !== undefined && v.length > f.maxLength)
      problems[f.name] = 'maxLength'
    else if (typeof v === 'string' && f.minLength !== undefined && v.length < f.minLength)
      problems[f.name] = 'minLength'
    else if (typeof v === 'string' && f.pattern && !safeTest(f.pattern, v)) problems[f.name] = 'pattern'
  }
  return problems
}

/** The values to send: empty optional fields are left out. */
export function cleanValues(fields: FieldSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) if (!isEmpty(values[f.name])) out[f.name] = values[f.name]
  return out
}

/** Read-only display of a value. */
export function displayValue(field: FieldSpec | undefined, value: unknown, yes = '是', no = '否'): string {
  if (isEmpty(value)) return '—'
  if (field?.options.length) {
    const hit = field.options.find((o) => o.value === value)
    if (hit) return hit.label
  }
  if (typeof value === 'boolean') return value ? yes : no
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
