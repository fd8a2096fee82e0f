import { api, call } from './client'
import type { ApiToken, ApiTokenCreated, Id, LoginInput, Me, PasswordChangeInput } from './types'

export function login(input: LoginInput): Promise<Me> {
  // The login view shows its own error text, so the message is not popped up twice.
  return call(() => api.POST('/api/auth/login/', { body: input }), { silent: true, allow401: true })
}

export function logout(): Promise<void> {
  return call(() => api.POST('/api/auth/logout/'), { allow401: true, silent: true })
}

/** The signed-in user, or null when anonymous. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await call(() => api.GET('/api/auth/me/'), { silent: true, allow401: true })
  } catch (e) {
    const status = (e as { status?: number }).status
    if (status === 401 || status === 403) return null
    throw e
  }
}

export function changePassword(input: PasswordChangeInput): Promise<void> {
  return call(() => api.POST('/api/auth/password/', { body: input }), { silent: true })
}

export function listTokens(): Promise<ApiToken[]> {
  return call(() => api.GET('/api/auth/tokens/'))
}

export function createToken(name: string): Promise<ApiTokenCreated> {
  return call(() => api.POST('/api/auth/tokens/', { body: { name } }), { silent: true })
}

export function revokeToken(id: Id): Promise<void> {
  return call(() => api.DELETE('/api/auth/tokens/{id}/', { params: { path: { id } } }))
}
