/**
 * 网关交换 on the console: this side's gateway key, the trusted peer gateways, and the signed
 * bundles carried between 政务外网 and 政务内网 (export for a network, import from it).
 */
import { api, call, compact, multipart } from './client'
import type { components, operations } from './schema-console'
import type { Id, Paginated } from './types'

type C = components['schemas']

export type GatewayOverview = C['GatewayOverview']
export type GatewayPeer = C['GatewayPeer']
export type TrustedGateway = C['TrustedGateway']
export type GatewayBundle = C['GatewayBundle']
export type GatewayImportReport = C['GatewayImportReport']
export type GatewayTrustInput = C['GatewayTrustInputRequest']
export type GatewayBundleQuery = NonNullable<operations['exchange_gateway_bundles_list']['parameters']['query']>

export function fetchGateway(): Promise<GatewayOverview> {
  return call(() => api.GET('/api/exchange/gateway/'))
}

/** 信任对方网关: 409 (field `public_key`) when another key is trusted for that network and `replace` is not set. */
export function trustGateway(input: GatewayTrustInput): Promise<TrustedGateway> {
  return call(() => api.POST('/api/exchange/gateway/trust/', { body: input }), { silent: true })
}

/** 导出交换包: everything waiting for `network`, as one signed bundle kept for download. */
export function exportBundle(network: string): Promise<GatewayBundle> {
  return call(() => api.POST('/api/exchange/gateway/export/', { body: { network } }), { silent: true })
}

/** 导入交换包: the report (new deliveries, duplicates of a replay, packages refused and why). */
export function importBundle(file: File): Promise<GatewayImportReport> {
  const form = new FormData()
  form.append('bundle', file)
  return call(() => api.POST('/api/exchange/gateway/import/', { body: multipart(form) }), { silent: true })
}

export function listBundles(query: GatewayBundleQuery = {}): Promise<Paginated<GatewayBundle>> {
  return call(() => api.GET('/api/exchange/gateway/bundles/', { params: { query: compact(query) } }))
}

/** An exported bundle's file (an attachment: the browser downloads it). */
export function bundleFileUrl(id: Id): string {
  return `/api/exchange/gateway/bundles/${id}/file/`
}
