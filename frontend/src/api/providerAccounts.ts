import { api, call } from './client'
import type {
  Id,
  PageQuery,
  Paginated,
  ProviderAccount,
  ProviderAccountCreateInput,
  ProviderAccountPatchInput,
} from './types'

/** One page of the platform's own accounts ({count, results}). */
export function listProviderAccounts(query: PageQuery = {}): Promise<Paginated<ProviderAccount>> {
  return call(() => api.GET('/api/provider-accounts/', { params: { query } }))
}

export function createProviderAccount(input: ProviderAccountCreateInput): Promise<ProviderAccount> {
  return call(() => api.POST('/api/provider-accounts/', { body: input }), { silent: true })
}

export function updateProviderAccount(
  id: Id,
  input: ProviderAccountPatchInput,
): Promise<ProviderAccount> {
  return call(() =>
    api.PATCH('/api/provider-accounts/{id}/', { params: { path: { id } }, body: input }),
  )
}
