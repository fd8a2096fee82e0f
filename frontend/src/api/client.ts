/**
 * The one HTTP client of the app (openapi-fetch over the schema's `paths`).
 *
 * - same-origin credentials (Django session cookie);
 * - `Accept-Language` follows the UI language so the backend answers `detail` in it;
 * - unsafe methods first make sure GET /api/auth/csrf/ has set the `csrftoken`
 *   cookie, then send it back as `X-CSRFToken`;
 * - every error becomes an `ApiError` with the backend's `{code, detail, field, errors}`;
 *   `errorMessage()` maps known codes to our own text, `fieldErrors()` gives per-field text.
 */
import createClient, { type Client } from 'openapi-fetch'
import { i18n } from '@/locales'
import type { ApiErrorBody, ApiErrorItem, Paginated } from './types'
import type { paths } from './schema'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
export const CSRF_COOKIE = 'csrftoken'
export const CSRF_HEADER = 'X-CSRFToken'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  readonly field: string | null
  readonly errors: ApiErrorItem[]

  constructor(status: number, body: ApiErrorBody) {
    super(body.detail || body.code)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.detail = body.detail
    this.field = body.field
    this.errors = body.errors ?? []
  }
}

function codeForStatus(status: number): string {
  if (status === 0) return 'network_error'
  if (status === 400) return 'invalid'
  if (status === 401) return 'not_authenticated'
  if (status === 403) return 'permission_denied'
  if (status === 404) return 'not_found'
  if (status === 405) return 'method_not_allowed'
  if (status === 409) return 'conflict'
  if (status === 413) return 'file_too_large'
  if (status === 423) return 'account_locked'
  if (status === 429) return 'throttled'
  if (status >= 500) return 'server_error'
  return 'error'
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Normalise whatever came back into an ApiError. The backend promises
 * `{code, detail, field, errors?}`, but a proxy's HTML 502 page or DRF's stock
 * `{"detail": ...}` / `{"field": ["msg"]}` shapes must not break the UI either.
 */
export function toApiError(status: number, body: unknown): ApiError {
  if (isRecord(body) && typeof body.code === 'string') {
    const errors = Array.isArray(body.errors)
      ? (body.errors as unknown[]).filter(isRecord).map(
          (e): ApiErrorItem => ({
            field: typeof e.field === 'string' ? e.field : null,
            code: typeof e.code === 'string' ? e.code : undefined,
            detail: typeof e.detail === 'string' ? e.detail : String(e.detail ?? ''),
            row: typeof e.row === 'number' ? e.row : null,
          }),
        )
      : []
    return new ApiError(status, {
      code: body.code,
      detail: typeof body.detail === 'string' ? body.detail : '',
      field: typeof body.field === 'string' ? body.field : null,
      errors,
    })
  }
  if (isRecord(body) && typeof body.detail === 'string') {
    return new ApiError(status, { code: codeForStatus(status), detail: body.detail, field: null })
  }
  if (isRecord(body)) {
    // DRF's default validation shape: {"name": ["This field is required."], ...}
    const errors: ApiErrorItem[] = []
    for (const [field, value] of Object.entries(body)) {
      const messages = Array.isArray(value) ? value : [value]
      for (const m of messages) {
        if (typeof m === 'string') {
          errors.push({ field: field === 'non_field_errors' ? null : field, detail: m })
        }
      }
    }
    if (errors.length) {
      const first = errors[0]!
      return new ApiError(status, {
        code: codeForStatus(status),
        detail: first.detail,
        field: first.field,
        errors,
      })
    }
  }
  return new ApiError(status, { code: codeForStatus(status), detail: '', field: null })
}

interface Translator {
  te(key: string): boolean
  t(key: string): string
  /** The UI language, e.g. 'zh-CN' or 'en'. */
  locale?: () => string
}

const appTranslator: Translator = {
  te: (key) => i18n.global.te(key),
  t: (key) => i18n.global.t(key),
  locale: () => currentLanguage(),
}

const CJK = /[\u3400-\u9fff]/

/**
 * The backend writes its own `detail` texts in Chinese only (DRF's stock messages do
 * follow Accept-Language). In a non-Chinese UI such a detail is replaced by our text
 * for its code, when we have one.
 */
function readable(
  code: string | undefined,
  detail: string,
  translator: Translator,
): string | null {
  const fallback = code ? `errors.fallback.${code}` : ''
  const hasFallback = !!fallback && translator.te(fallback)
  const chineseUi = (translator.locale?.() ?? 'zh-CN').startsWith('zh')
  if (detail && (chineseUi || !CJK.test(detail) || !hasFallback)) return detail
  if (hasFallback) return translator.t(fallback)
  return null
}

/**
 * Text to show for an error.
 * 1. Codes listed directly under `errors.<code>` are ours to word (wrong login,
 *    session gone, network, server error...), whatever the backend said.
 * 2. A 403 whose code we do not know (`permission_denied` and the like) reads 无权限.
 * 3. Otherwise the backend's `detail` is the most specific text (its own messages are
 *    Chinese: in another UI language `errors.fallback.<code>` is used instead), and
 *    `errors.fallback.<code>` covers answers that carry no detail.
 */
export function errorMessage(err: unknown, translator: Translator = appTranslator): string {
  if (!(err instanceof ApiError)) {
    return translator.t('errors.unknown')
  }
  const own = `errors.${err.code}`
  if (err.code && err.code !== 'fallback' && translator.te(own)) return translator.t(own)
  if (err.status === 403 && !translator.te(`errors.fallback.${err.code}`)) {
    return translator.t('errors.permission_denied')
  }
  return readable(err.code, err.detail, translator) ?? translator.t('errors.unknown')
}

/**
 * Per-field messages for el-form-item's `error` prop. Row-level errors (imports)
 * are left out: they belong in a table, not on a form.
 */
export function fieldErrors(err: unknown, translator: Translator = appTranslator): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(err instanceof ApiError)) return out
  const add = (field: string | null | undefined, code: string | undefined, detail: string) => {
    if (!field || field === 'non_field_errors' || !detail) return
    const text = readable(code, detail, translator) ?? detail
    out[field] = out[field] && out[field] !== text ? `${out[field]}；${text}` : text
  }
  // With `errors`, the top-level detail repeats the first item prefixed by the field
  // name ("name: ..."), so the items are used as they are.
  if (!err.errors.some((item) => item.field === err.field && (item.row ?? null) === null)) {
    add(err.field, err.code, err.detail)
  }
  for (const item of err.errors) {
    if (item.row === null || item.row === undefined) add(item.field, item.code, item.detail)
  }
  return out
}

function isCsrfFailure(err: ApiError): boolean {
  return err.status === 403 && (err.code.startsWith('csrf') || /csrf/i.test(err.detail))
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return decodeURIComponent(v.join('='))
  }
  return null
}

export function currentLanguage(): string {
  return String(i18n.global.locale.value || 'zh-CN')
}

export interface ClientHooks {
  /** A 401 (session gone): the app clears the session and goes to /login. */
  onUnauthorized?: (err: ApiError) => void
  /** Show a message to the user (ElMessage in the app). */
  notify?: (message: string, err: ApiError) => void
  /** The unit was suspended meanwhile (403 unit_suspended): the app shows the closed page. */
  onUnitSuspended?: (err: ApiError) => void
  /** An initial or reset password must be changed first (403 password_change_required). */
  onPasswordChangeRequired?: (err: ApiError) => void
}

export interface CallOptions {
  /** Do not show the error message; the caller displays it. */
  silent?: boolean
  /** A 401 is an expected answer (probing /api/auth/me/, logging in). */
  allow401?: boolean
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response }

export interface ApiClientOptions {
  baseUrl?: string
  fetch?: (request: Request) => Promise<Response>
}

export function createApiClient(options: ApiClientOptions = {}) {
  // Looked up on every call, so tests can stub globalThis.fetch after import.
  const doFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request))
  const baseUrl =
    options.baseUrl ?? (typeof window !== 'undefined' ? window.location.origin : '')
  const hooks: ClientHooks = {}
  let csrfReady: Promise<void> | null = null

  function ensureCsrf(force = false): Promise<void> {
    if (!csrfReady || force) {
      csrfReady = doFetch(
        new Request(`${baseUrl}/api/auth/csrf/`, {
          credentials: 'same-origin',
          headers: { Accept: 'application/json' },
        }),
      ).then(
        () => undefined,
        (e: unknown) => {
          csrfReady = null
          throw e
        },
      )
    }
    return csrfReady
  }

  const client: Client<paths> = createClient<paths>({
    baseUrl,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    fetch: (request) => doFetch(request),
  })

  client.use({
    async onRequest({ request }) {
      request.headers.set('Accept-Language', currentLanguage())
      if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
        await ensureCsrf()
        const token = readCookie(CSRF_COOKIE)
        if (token) request.headers.set(CSRF_HEADER, token)
      }
      return request
    },
  })

  async function attempt<T>(send: () => Promise<FetchResult<T>>): Promise<T> {
    let result: FetchResult<T>
    try {
      result = await send()
    } catch (e) {
      throw new ApiError(0, {
        code: 'network_error',
        detail: e instanceof Error ? e.message : '',
        field: null,
      })
    }
    if (result.response.ok) return result.data as T
    throw toApiError(result.response.status, result.error)
  }

  /**
   * Run one request and return its data, or throw an ApiError after the
   * app-wide handling (401 → login, message shown unless `silent`).
   * Takes a thunk so a request refused for a stale CSRF token can be resent once.
   */
  async function call<T>(send: () => Promise<FetchResult<T>>, opts: CallOptions = {}): Promise<T> {
    try {
      try {
        return await attempt(send)
      } catch (e) {
        if (e instanceof ApiError && isCsrfFailure(e)) {
          await ensureCsrf(true)
          return await attempt(send)
        }
        throw e
      }
    } catch (e) {
      const err = e instanceof ApiError ? e : toApiError(0, null)
      // DRF answers 403 not_authenticated when session auth is the first class.
      const unauthenticated =
        err.status === 401 || (err.status === 403 && err.code === 'not_authenticated')
      if (unauthenticated && !opts.allow401) {
        hooks.onUnauthorized?.(err)
      } else if (err.code === 'unit_suspended' && hooks.onUnitSuspended) {
        hooks.onUnitSuspended(err)
      } else if (err.code === 'password_change_required' && hooks.onPasswordChangeRequired) {
        hooks.onPasswordChangeRequired(err)
      } else if (!opts.silent) {
        hooks.notify?.(errorMessage(err), err)
      }
      throw err
    }
  }

  function setHooks(next: ClientHooks) {
    Object.assign(hooks, next)
  }

  return { client, call, ensureCsrf, setHooks }
}

const instance = createApiClient()

/** The typed openapi-fetch client; use it inside `call(() => api.GET(...))`. */
export const api = instance.client
export const call = instance.call
export const ensureCsrf = instance.ensureCsrf
export const setClientHooks = instance.setHooks

/** Some list endpoints may or may not paginate; accept both shapes. */
export function asList<T>(value: T[] | Paginated<T> | undefined | null): T[] {
  if (!value) return []
  return Array.isArray(value) ? value : value.results
}

/**
 * A multipart body for openapi-fetch. The schema describes the form's fields
 * (`file` as a binary string), the request sends the FormData as is.
 */
export function multipart(form: FormData): never {
  return form as never
}

/** Query objects without empty strings, so `?search=` is not sent for a blank box. */
export function compact<T extends object>(query: T): T {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(query)) {
    if (v !== '' && v !== null && v !== undefined) out[k] = v
  }
  return out as T
}
