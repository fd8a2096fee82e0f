import { api, call, compact, multipart } from './client'
import type {
  Id,
  ImportedDocument,
  ImporterOptions,
  ImportRun,
  ImportRunDetail,
  Paginated,
  QuarantineDetail,
  QuarantineItem,
  QuarantineReason,
  QuarantineRetryInput,
} from './types'

/** 历史数据导入 (/api/importer/…): upload → dry run → real run → quarantine fix & retry. */

export function fetchImporterOptions(): Promise<ImporterOptions> {
  return call(() => api.GET('/api/importer/options/'))
}

export function listImportRuns(page = 1): Promise<Paginated<ImportRun>> {
  return call(() => api.GET('/api/importer/runs/', { params: { query: { page } } }))
}

/** Upload an export; its dry run starts. A malformed file is answered 400 with its line. */
export function uploadImport(file: File, mapping?: string): Promise<ImportRunDetail> {
  const form = new FormData()
  form.append('file', file)
  if (mapping) form.append('mapping', mapping)
  return call(() => api.POST('/api/importer/runs/', { body: multipart(form) }), { silent: true })
}

export function fetchImportRun(id: Id): Promise<ImportRunDetail> {
  return call(() => api.GET('/api/importer/runs/{id}/', { params: { path: { id } } }), { silent: true })
}

/** 正式导入 after reading the dry run's report. */
export function startImportRun(id: Id): Promise<ImportRunDetail> {
  return call(() => api.POST('/api/importer/runs/{id}/start/', { params: { path: { id } } }), { silent: true })
}

export interface QuarantineQuery {
  reason?: QuarantineReason | ''
  resolved?: boolean
  page?: number
}

export function listQuarantine(runId: Id, query: QuarantineQuery = {}): Promise<Paginated<QuarantineItem>> {
  return call(() =>
    api.GET('/api/importer/runs/{id}/quarantine/', {
      params: { path: { id: runId }, query: compact(query) as Record<string, never> },
    }),
  )
}

export function listRunDocuments(runId: Id, q = '', page = 1): Promise<Paginated<ImportedDocument>> {
  return call(() =>
    api.GET('/api/importer/runs/{id}/documents/', { params: { path: { id: runId }, query: compact({ q, page }) } }),
  )
}

export function fetchQuarantineItem(id: Id): Promise<QuarantineDetail> {
  return call(() => api.GET('/api/importer/quarantine/{id}/', { params: { path: { id } } }))
}

/** 修正后重试: `resolved` in the answer says whether the record was imported. */
export function retryQuarantineItem(id: Id, input: Partial<QuarantineRetryInput>): Promise<QuarantineDetail> {
  return call(
    () =>
      api.POST('/api/importer/quarantine/{id}/retry/', {
        params: { path: { id } },
        body: { accept_problems: false, ...input },
      }),
    { silent: true },
  )
}
