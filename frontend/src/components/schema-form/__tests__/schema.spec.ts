import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/locales'
import SchemaForm from '../SchemaForm.vue'
import { cleanValues, displayValue, fieldsOf, initialValues, validate, type JsonSchema } from '../schema'

const schema: JsonSchema = {
  type: 'object',
  required: ['subject', 'pages'],
  'ui:order': ['subject', 'secret'],
  properties: {
    pages: { type: 'integer', title: '页数', minimum: 1 },
    body: { type: 'string', title: '正文', 'ui:widget': 'textarea' },
    subject: { type: 'string', title: '标题', maxLength: 10 },
    secret: { type: 'string', title: '密级', enum: ['none', 'secret'], enumNames: ['无', '秘密'] },
    urgent: { type: 'boolean', title: '加急' },
    amount: { type: 'number', title: '金额' },
    due: { type: 'string', format: 'date', title: '期限' },
  },
  ui: { amount: { 'ui:width': 12 } },
}

describe('fieldsOf', () => {
  it('orders by ui:order, then declaration order, and picks widgets', () => {
    const fields = fieldsOf(schema)
    expect(fields.map((f) => f.name)).toEqual(['subject', 'secret', 'pages', 'body', 'urgent', 'amount', 'due'])
    expect(Object.fromEntries(fields.map((f) => [f.name, f.widget]))).toEqual({
      subject: 'text',
      secret: 'select',
      pages: 'integer',
      body: 'textarea',
      urgent: 'switch',
      amount: 'number',
      due: 'date',
    })
    expect(fields.find((f) => f.name === 'amount')?.span).toBe(12)
    expect(fields.find((f) => f.name === 'subject')).toMatchObject({ required: true, span: 24, label: '标题' })
    expect(fields.find((f) => f.name === 'secret')?.options).toEqual([
      { value: 'none', label: '无' },
      { value: 'secret', label: '秘密' },
    ])
  })

  it('accepts oneOf consts as options and an empty schema', () => {
    const f = fieldsOf({ properties: { k: { oneOf: [{ const: 1, title: '一' }] } } })
    expect(f[0]).toMatchObject({ widget: 'select', options: [{ value: 1, label: '一' }] })
    expect(fieldsOf(null)).toEqual([])
  })
})

describe('values', () => {
  const fields = fieldsOf(schema)
  it('validates required, integer, minimum and maxLength', () => {
    expect(validate(fields, initialValues(fields))).toEqual({ subject: 'required', pages: 'required' })
    expect(validate(fields, { subject: '12345678901', pages: 0 })).toEqual({ subject: 'maxLength', pages: 'min' })
    expect(validate(fields, { subject: 'ok', pages: 1.5 })).toEqual({ pages: 'integer' })
    expect(validate(fields, { subject: 'ok', pages: 2 })).toEqual({})
  })
  it('starts switches false, keeps given data, drops empty values on send', () => {
    const v = initialValues(fields, { subject: 'x' })
    expect(v.urgent).toBe(false)
    expect(v.subject).toBe('x')
    expect(cleanValues(fields, { ...v, body: '' })).toEqual({ subject: 'x', urgent: false })
  })
  it('displays enum labels and booleans', () => {
    expect(displayValue(fields[1], 'secret')).toBe('秘密')
    expect(displayValue(undefined, true)).toBe('是')
    expect(displayValue(undefined, '')).toBe('—')
  })
})

describe('SchemaForm', () => {
  it('renders one control per field with test ids, and read-only values', async () => {
    const wrapper = mount(SchemaForm, {
      props: { schema, modelValue: { subject: '关于', secret: 'secret' } },
      global: { plugins: [ElementPlus, i18n] },
    })
    for (const name of ['subject', 'secret', 'pages', 'body', 'urgent', 'amount', 'due']) {
      expect(wrapper.find(`[data-testid="schema-field-${name}"]`).exists(), name).toBe(true)
    }
    expect((wrapper.vm as unknown as { validate: () => boolean }).validate()).toBe(false)
    await wrapper.setProps({ readonly: true })
    expect(wrapper.find('[data-testid="schema-value-secret"]').text()).toBe('秘密')
    expect(wrapper.find('[data-testid="schema-value-subject"]').text()).toBe('关于')
  })
})
