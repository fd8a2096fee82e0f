import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '@/locales'
import { ApiError, createApiClient, errorMessage, fieldErrors, toApiError } from '../client'

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  })
}

describe('toApiError', () => {
  it('keeps the backend error format as is', () => {
    const err = toApiError(400, {
      code: 'invalid',
      detail: '单位编码已存在',
      field: 'code',
      errors: [{ field: 'name', code: 'required', detail: '必填' }],
    })
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toBe('invalid')
    expect(err.field).toBe('code')
    expect(err.errors).toEqual([{ field: 'name', code: 'required', detail: '必填', row: null }])
  })

  it('derives a code from the status for a bare DRF detail', () => {
    const err = toApiError(404, { detail: 'Not found.' })
    expect(err.code).toBe('not_found')
    expect(err.detail).toBe('Not found.')
  })

  it('turns DRF field lists into per-field errors', () => {
    const err = toApiError(400, { name: ['This field is required.'], non_field_errors: ['Bad'] })
    expect(err.code).toBe('invalid')
    expect(fieldErrors(err)).toEqual({ name: 'This field is required.' })
  })

  it('copes with a non-JSON body (proxy error page)', () => {
    const err = toApiError(502, '<html>Bad gateway</html>')
    expect(err.code).toBe('server_error')
    expect(err.detail).toBe('')
  })
})

describe('errorMessage', () => {
  beforeEach(() => setLocale('zh-CN'))
  afterEach(() => setLocale('zh-CN'))

  it('maps the login failure codes to our own text', () => {
    const err = toApiError(400, { code: 'invalid_credentials', detail: 'bad', field: null })
    expect(errorMessage(err)).toBe('用户名或密码错误')
  })

  it('keeps the backend detail of a lockout (423) and of a disabled account (403)', () => {
    const locked = toApiError(423, {
      code: 'account_locked',
      detail: '登录失败次数过多，账户已锁定，请 15 分钟后再试。',
      field: null,
    })
    expect(errorMessage(locked)).toBe('登录失败次数过多，账户已锁定，请 15 分钟后再试。')
    expect(errorMessage(toApiError(423, null))).toBe('登录失败次数过多，账户已锁定，请稍后再试')
    const disabled = toApiError(403, { code: 'account_disabled', detail: '账户已停用，请联系管理员。', field: null })
    expect(errorMessage(disabled)).toBe('账户已停用，请联系管理员。')
  })

  it('replaces a Chinese-only backend detail by our text in the English UI', () => {
    setLocale('en')
    const dup = toApiError(400, { code: 'duplicate', detail: '用户名“a”已存在。', field: 'username' })
    expect(errorMessage(dup)).toBe('Something with this name or code already exists')
    expect(fieldErrors(dup)).toEqual({ username: 'Something with this name or code already exists' })
    const mismatch = toApiError(400, { code: 'confirmation_mismatch', detail: '请输入单位代码', field: 'confirm' })
    expect(errorMessage(mismatch)).toBe('The confirmation does not match')
    // An English detail (DRF's own messages follow Accept-Language) is kept.
    const drf = toApiError(400, { code: 'required', detail: 'name: This field is required.', field: 'name' })
    expect(errorMessage(drf)).toBe('name: This field is required.')
  })

  it('follows the UI language', () => {
    setLocale('en')
    const err = toApiError(400, { code: 'invalid_credentials', detail: 'bad', field: null })
    expect(errorMessage(err)).toBe('Incorrect username or password')
  })

  it('shows the backend detail for codes it does not own', () => {
    const err = toApiError(400, { code: 'invalid', detail: '单位编码已存在', field: 'code' })
    expect(errorMessage(err)).toBe('单位编码已存在')
  })

  it('says 无权限 for any other 403', () => {
    const err = toApiError(403, { code: 'whatever', detail: 'nope', field: null })
    expect(errorMessage(err)).toBe('无权限执行此操作')
  })

  it('falls back by code when there is no detail', () => {
    expect(errorMessage(toApiError(404, null))).toBe('请求的内容不存在或已被删除')
    expect(errorMessage(new Error('boom'))).toBe('操作失败，请稍后再试')
  })
})

describe('fieldErrors', () => {
  beforeEach(() => setLocale('zh-CN'))

  it('uses the items of a DRF validation error, not the field-prefixed summary', () => {
    const err = toApiError(400, {
      code: 'required',
      detail: 'name: 该字段是必填项。',
      field: 'name',
      errors: [{ field: 'name', code: 'required', detail: '该字段是必填项。' }],
    })
    expect(fieldErrors(err)).toEqual({ name: '该字段是必填项。' })
  })

  it('merges the main field and row-less items, skipping import rows', () => {
    const err = toApiError(400, {
      code: 'invalid',
      detail: '用户名已存在',
      field: 'username',
      errors: [
        { field: 'email', detail: '格式不正确' },
        { field: 'username', detail: '用户名已存在' },
        { field: 'phone', detail: '第 3 行电话有误', row: 3 },
      ],
    })
    expect(fieldErrors(err)).toEqual({ username: '用户名已存在', email: '格式不正确' })
  })
})

describe('createApiClient', () => {
  beforeEach(() => {
    document.cookie = 'csrftoken=tok123'
    setLocale('zh-CN')
  })

  it('fetches the CSRF cookie once, then sends X-CSRFToken and Accept-Language', async () => {
    const seen: Request[] = []
    const fetchMock = vi.fn(async (req: Request) => {
      seen.push(req)
      if (req.url.endsWith('/api/auth/csrf/')) return new Response(null, { status: 204 })
      return json(200, { id: 1, username: 'alice' })
    })
    const { client, call } = createApiClient({ baseUrl: 'http://unit.localhost', fetch: fetchMock })

    await call(() => client.POST('/api/auth/login/', { body: { username: 'a', password: 'b' } }))
    await call(() => client.POST('/api/auth/logout/'))
    await call(() => client.GET('/api/auth/me/'))

    const urls = seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)
    expect(urls).toEqual([
      'GET /api/auth/csrf/',
      'POST /api/auth/login/',
      'POST /api/auth/logout/',
      'GET /api/auth/me/',
    ])
    const login = seen[1]!
    expect(login.headers.get('X-CSRFToken')).toBe('tok123')
    expect(login.headers.get('Accept-Language')).toBe('zh-CN')
    expect(login.credentials).toBe('same-origin')
    expect(seen[3]!.headers.get('X-CSRFToken')).toBeNull()
  })

  it('throws an ApiError and notifies, or hands a 401 to the login redirect', async () => {
    const fetchMock = vi.fn(async (req: Request) => {
      if (req.url.includes('/api/units/')) {
        return json(400, { code: 'invalid', detail: '单位编码已存在', field: 'code' })
      }
      return json(401, { code: 'not_authenticated', detail: 'login', field: null })
    })
    const { client, call, setHooks } = createApiClient({ baseUrl: 'http://localhost', fetch: fetchMock })
    const notify = vi.fn()
    const onUnauthorized = vi.fn()
    setHooks({ notify, onUnauthorized })

    await expect(call(() => client.GET('/api/units/', {}))).rejects.toMatchObject({
      code: 'invalid',
      field: 'code',
    })
    expect(notify).toHaveBeenCalledWith('单位编码已存在', expect.any(ApiError))

    await expect(call(() => client.GET('/api/auth/me/'))).rejects.toBeInstanceOf(ApiError)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(notify).toHaveBeenCalledTimes(1)

    await expect(call(() => client.GET('/api/auth/me/'), { allow401: true, silent: true })).rejects.toMatchObject({
      status: 401,
    })
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('refreshes the CSRF cookie and retries once when the token was stale', async () => {
    let posts = 0
    let csrfCalls = 0
    const fetchMock = vi.fn(async (req: Request) => {
      if (req.url.endsWith('/api/auth/csrf/')) {
        csrfCalls += 1
        return new Response(null, { status: 204 })
      }
      posts += 1
      return posts === 1
        ? json(403, { code: 'permission_denied', detail: 'CSRF Failed: CSRF token missing.', field: null })
        : new Response(null, { status: 204 })
    })
    const { client, call } = createApiClient({ baseUrl: 'http://localhost', fetch: fetchMock })
    await expect(call(() => client.POST('/api/auth/logout/'))).resolves.toBeUndefined()
    expect(posts).toBe(2)
    expect(csrfCalls).toBe(2)
  })

  it('reports a network failure as network_error', async () => {
    const { client, call } = createApiClient({
      baseUrl: 'http://localhost',
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    const err = await call(() => client.GET('/api/context/'), { silent: true }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe('network_error')
    expect(errorMessage(err)).toBe('无法连接服务器，请检查网络')
  })
})
