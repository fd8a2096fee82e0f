import { reactive } from 'vue'
import { fieldErrors } from '@/api/client'

/**
 * Per-field server errors for a form: bind `:error="errors.name"` on each
 * el-form-item, call `apply(err)` in the catch, `clear()` before submitting.
 * Returns whether the error named at least one field (so the caller can skip
 * the generic message).
 */
export function useFormErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  function apply(err: unknown): boolean {
    clear()
    const byField = fieldErrors(err)
    Object.assign(errors, byField)
    return Object.keys(byField).length > 0
  }

  return { errors, clear, apply }
}
