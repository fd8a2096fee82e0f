import { api, call, compact, multipart } from './client'
import type {
  Direction,
  DocumentDetail,
  DocumentListItem,
  DocumentListQuery,
  DocumentSearchResult,
  ElementsInput,
  Id,
  IncomingInput,
  Paginated,
  RegisterQuery,
  Retention,
  TaskDetail,
} from './types'

/*
 * 办文 (official documents). A step of a document's flow is handled through the workflow
 * task endpoints (api/workflow.ts); these wrappers cover the document itself.
 */

const byId = (id: Id) => ({ params: { path: { id } } })

export function listDocuments(query: DocumentListQuery): Promise<Paginated<DocumentListItem>> {
  return call(() => api.GET('/api/documents/', { params: { query: compact(query) } }))
}

export function fetchDocument(id: Id, silent = false): Promise<DocumentDetail> {
  return call(() => api.GET('/api/documents/{id}/', byId(id)), { silent })
}

/** 拟稿: the draft is created and its 发文 flow starts with me at 起草. */
export function createOutgoing(input: ElementsInput): Promise<DocumentDetail> {
  return call(() => api.POST('/api/documents/outgoing/', { body: input }), { silent: true })
}

export function updateDocument(id: Id, input: ElementsInput): Promise<DocumentDetail> {
  return call(() => api.PATCH('/api/documents/{id}/', { ...byId(id), body: input }), { silent: true })
}

/** Several attachments at once, or the body as one DOCX/PDF/OFD file. */
export function uploadFiles(id: Id, files: File[], role: 'attachment' | 'body' = 'attachment'): Promise<DocumentDetail> {
  const form = new FormData()
  form.append('role', role)
  for (const file of files) form.append('files', file)
  return call(() => api.POST('/api/documents/{id}/files/', { ...byId(id), body: multipart(form) }), {
    silent: true,
  })
}

export function removeFile(id: Id, fileId: Id): Promise<unknown> {
  return call(() => api.DELETE('/api/documents/{id}/files/{file_pk}/', { params: { path: { id, file_pk: fileId } } }), {
    silent: true,
  })
}

/** The file itself (served as an attachment: the browser downloads it). */
export function fileUrl(id: Id, fileId: Id): string {
  return `/api/documents/${id}/files/${fileId}/`
}

/** The document laid out by GB/T 9704 as a PDF, served inline for the preview. */
export function pdfUrl(id: Id): string {
  return `/api/documents/${id}/pdf/`
}

/** 收文登记: the fields and the files in one multipart body; the 收文 flow starts. */
export function registerIncoming(input: IncomingInput, files: File[]): Promise<DocumentDetail> {
  const form = new FormData()
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined && value !== null && value !== '') form.append(key, String(value))
  }
  for (const file of files) form.append('files', file)
  return call(() => api.POST('/api/documents/incoming/', { body: multipart(form) }), { silent: true })
}

export function archiveDocument(id: Id, retention: Retention): Promise<DocumentDetail> {
  return call(() => api.POST('/api/documents/{id}/archive/', { ...byId(id), body: { retention } }), {
    silent: true,
  })
}

export function listRegister(direction: Direction, query: RegisterQuery): Promise<Paginated<DocumentListItem>> {
  const params = { params: { query: compact(query) } }
  return direction === 'incoming'
    ? call(() => api.GET('/api/documents/registers/incoming/', params))
    : call(() => api.GET('/api/documents/registers/outgoing/', params))
}

/** The register with the same filters as an XLSX workbook (a plain link: the browser downloads it). */
export function registerExportUrl(direction: Direction, query: RegisterQuery): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(compact(query))) {
    if (key !== 'page' && key !== 'page_size') params.set(key, String(value))
  }
  const qs = params.toString()
  return `/api/documents/registers/${direction}/export/${qs ? `?${qs}` : ''}`
}

export function searchDocuments(query: DocumentListQuery): Promise<Paginated<DocumentSearchResult>> {
  return call(() => api.GET('/api/documents/search/', { params: { query: compact(query) } }), { silent: true })
}

/**
 * A step of the document's flow with what I may do (`allowed`), asked quietly: an office-wide
 * reader who is no party to the flow gets 404 and simply sees no buttons.
 */
export function fetchStep(taskId: Id): Promise<TaskDetail> {
  return call(() => api.GET('/api/workflow/tasks/{id}/', byId(taskId)), { silent: true })
}

/** "documents.document:12" (a flow instance's business key) → 12; null for anything else. */
export function documentIdOf(businessKey: string | null | undefined): Id | null {
  const match = /^documents\.document:(\d+)$/.exec(businessKey ?? '')
  return match ? Number(match[1]) : null
}
