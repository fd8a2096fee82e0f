import { fetchUnitTemplate, listUnitTemplates } from '@/api/templates'
import { listStartable } from '@/api/workflow'
import type { FlowDefinition } from '@/api/types'
import type { FormTemplate, FormUi, JsonSchema } from '@/components/schema-form/schema'
import { i18n } from '@/locales'

/**
 * The start form of a flow. The workflow API does not link a flow to its form yet, so the
 * unit's form template whose code matches the flow's key is used (`leave` ↔ `leave`,
 * `forms/leave`); reading templates needs the templates permission, so anyone else (and
 * a flow without a matching form) gets a plain 正文 + 备注 form.
 */
export function matchesFlow(code: string, key: string): boolean {
  const last = code.split('/').pop()
  return code === key || last === key
}

export function fallbackForm(): FormTemplate {
  const t = i18n.global.t
  return {
    schema: {
      type: 'object',
      properties: {
        body: { type: 'string', title: t('workflow.start.body'), maxLength: 5000 },
        remark: { type: 'string', title: t('workflow.start.remark'), maxLength: 500 },
      },
    },
    ui: { fields: { body: { widget: 'textarea', rows: 6 }, remark: { widget: 'textarea', rows: 2 } } },
  }
}

function asForm(content: unknown): FormTemplate | null {
  const c = content as Partial<FormTemplate> & JsonSchema
  if (c && typeof c === 'object' && c.schema && typeof c.schema === 'object') return c as FormTemplate
  if (c && typeof c === 'object' && c.properties) return { schema: c }
  return null
}

export async function startFormFor(flow: FlowDefinition): Promise<{ form: FormTemplate; code?: string }> {
  try {
    const forms = await listUnitTemplates('form', true)
    const hit = forms.find((f) => matchesFlow(f.code, flow.key))
    if (hit) {
      const detail = await fetchUnitTemplate(hit.id, true)
      const form = asForm(detail.content)
      if (form) return { form, code: hit.code }
    }
  } catch {
    // no templates permission: the plain form below
  }
  return { form: fallbackForm() }
}

/**
 * A running flow's form, for showing its data with the form's labels (the task page): the
 * start form the workflow API sends with the flows I may start (GET /api/workflow/startable/,
 * keyed by the flow, so a fork like `leave_cs` finds its `leave` form), else the template
 * lookup above; null when neither knows it.
 */
export async function flowFormFor(key: string): Promise<FormTemplate | null> {
  const flows = await listStartable(true).catch(() => [])
  const hit = flows.find((f) => f.key === key)
  if (hit?.schema) {
    return { schema: hit.schema as JsonSchema, ui: (hit.ui ?? undefined) as FormUi | undefined }
  }
  const found = await startFormFor({ key } as FlowDefinition)
  return found.code ? found.form : null
}
