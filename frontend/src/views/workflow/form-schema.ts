import type { JsonSchema } from '@/components/schema-form/schema'
import { i18n } from '@/locales'

/** Labels for the keys of the plain start form (start-schema.ts fallbackForm). */
const KNOWN_KEYS: Record<string, string> = { body: 'workflow.start.body', remark: 'workflow.start.remark' }

/**
 * The form schema to show an item's data with. The workflow API does not hand out the flow's
 * form yet, so a schema may come along in the data (`_schema`, written by the start page) or is
 * made from the data's own keys (all shown as text).
 */
export function schemaForData(data: unknown): JsonSchema {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>
  const given = record._schema as JsonSchema | undefined
  if (given && typeof given === 'object' && given.properties) return given
  const properties: JsonSchema['properties'] = {}
  for (const [key, value] of Object.entries(record)) {
    if (key.startsWith('_')) continue
    const known = KNOWN_KEYS[key]
    properties[key] = {
      type: typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'string',
      title: known ? i18n.global.t(known) : key,
    }
  }
  return { type: 'object', properties }
}

/** The data without the internal keys, for display. */
export function visibleData(data: unknown): Record<string, unknown> {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>
  return Object.fromEntries(Object.entries(record).filter(([k]) => !k.startsWith('_')))
}
