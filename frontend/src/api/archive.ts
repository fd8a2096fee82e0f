import { api, call, compact, multipart } from './client'
import type {
  AccessRecord,
  Appraisal,
  AppraisalInput,
  ArchiveTransfer,
  CatalogueDetail,
  CatalogueFacets,
  CatalogueItem,
  CatalogueQuery,
  DestructionRecord,
  DueItem,
  Id,
  Loan,
  LoanDetail,
  LoanInput,
  Paginated,
  TransferVerification,
} from './types'

const byId = (id: Id) => ({ params: { path: { id } } })
const page = (p = 1, size = 20) => ({ params: { query: { page: p, page_size: size } } })

// ---------------------------------------------------------------- 档案目录

export function listCatalogue(query: CatalogueQuery): Promise<Paginated<CatalogueItem>> {
  return call(() => api.GET('/api/archive/catalogue/', { params: { query: compact(query) } }))
}

export function fetchFacets(): Promise<CatalogueFacets> {
  return call(() => api.GET('/api/archive/catalogue/facets/'))
}

export function fetchItem(id: Id): Promise<CatalogueDetail> {
  return call(() => api.GET('/api/archive/catalogue/{id}/', byId(id)))
}

function withQuery(path: string, query: Record<string, unknown>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(compact(query))) {
    if (key !== 'page' && key !== 'page_size') params.set(key, String(value))
  }
  const qs = params.toString()
  return `${path}${qs ? `?${qs}` : ''}`
}

/** 归档文件目录 (PDF, opened in a new tab to print) with the page's filters. */
export function directoryPdfUrl(query: CatalogueQuery): string {
  return withQuery('/api/archive/catalogue/directory/pdf/', query)
}

export function directoryXlsxUrl(query: CatalogueQuery): string {
  return withQuery('/api/archive/catalogue/directory/xlsx/', query)
}

export function boxLabelsUrl(query: CatalogueQuery, perBox: number): string {
  return withQuery('/api/archive/catalogue/box-labels/', { ...query, per_box: perBox })
}

// ---------------------------------------------------------------- 借阅

export function listMyLoans(p = 1): Promise<Paginated<Loan>> {
  return call(() => api.GET('/api/archive/loans/', page(p)))
}

export function listAllLoans(p = 1): Promise<Paginated<Loan>> {
  return call(() => api.GET('/api/archive/loans/all/', page(p)))
}

export function requestLoan(input: LoanInput): Promise<LoanDetail> {
  return call(() => api.POST('/api/archive/loans/', { body: input }), { silent: true })
}

export function fetchLoan(id: Id): Promise<LoanDetail> {
  return call(() => api.GET('/api/archive/loans/{id}/', byId(id)))
}

export function endLoan(id: Id): Promise<LoanDetail> {
  return call(() => api.POST('/api/archive/loans/{id}/end/', byId(id)), { silent: true })
}

/** 查阅: the lent item's PDF (each opening is recorded). */
export function loanItemPdfUrl(loan: Id, document: Id): string {
  return `/api/archive/loans/${loan}/items/${document}/pdf/`
}

export function loanItemFileUrl(loan: Id, document: Id, file: Id): string {
  return `/api/archive/loans/${loan}/items/${document}/files/${file}/`
}

export function listAccessRecords(p = 1): Promise<Paginated<AccessRecord>> {
  return call(() => api.GET('/api/archive/access-records/', page(p)))
}

// ---------------------------------------------------------------- 鉴定与销毁

export function listDue(): Promise<DueItem[]> {
  return call(() => api.GET('/api/archive/appraisal/due/'))
}

export function listAppraisals(p = 1): Promise<Paginated<Appraisal>> {
  return call(() => api.GET('/api/archive/appraisals/', page(p)))
}

export function listPendingAppraisals(p = 1): Promise<Paginated<Appraisal>> {
  return call(() => api.GET('/api/archive/appraisals/pending/', page(p)))
}

export function proposeAppraisal(input: AppraisalInput): Promise<Appraisal> {
  return call(() => api.POST('/api/archive/appraisals/', { body: input }), { silent: true })
}

export function decideAppraisal(id: Id, approve: boolean, opinion = ''): Promise<Appraisal> {
  return call(() => api.POST('/api/archive/appraisals/{id}/decide/', { ...byId(id), body: { approve, opinion } }), {
    silent: true,
  })
}

export function listDestructions(p = 1): Promise<Paginated<DestructionRecord>> {
  return call(() => api.GET('/api/archive/destructions/', page(p)))
}

export function destroyItem(document: Id): Promise<DestructionRecord> {
  return call(() => api.POST('/api/archive/destructions/', { body: { document } }), { silent: true })
}

// ---------------------------------------------------------------- 移交

export function listTransfers(p = 1): Promise<Paginated<ArchiveTransfer>> {
  return call(() => api.GET('/api/archive/transfers/', page(p)))
}

export function exportTransfer(year: number): Promise<ArchiveTransfer> {
  return call(() => api.POST('/api/archive/transfers/', { body: { year } }), { silent: true })
}

export function transferPackageUrl(id: Id): string {
  return `/api/archive/transfers/${id}/package/`
}

export function verifyTransfer(file: File): Promise<TransferVerification> {
  const form = new FormData()
  form.append('file', file)
  return call(() => api.POST('/api/archive/transfers/verify/', { body: multipart(form) }), { silent: true })
}
