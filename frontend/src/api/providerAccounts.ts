import { api, asList, call } from './client'
import type {
  Id,
  ProviderAccount,
  ProviderAccountCreateInput,
  ProviderAccountPatchInput,
} from './types'

export async function listProviderAccounts(): Promise<ProviderAccount[]> {
  // Requests a large page in case the endpoint paginates; the console has a handful of accounts.
  return asList(
    await call(() => api.GET('/api/provider-accounts/', { params: { query: { page_size: 200 } } })),
  )
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
