import { api, asList, call, compact, multipart } from './client'
import type {
  Id,
  NoticeColumn,
  NoticeColumnInput,
  NoticeDetail,
  NoticeInput,
  NoticeListItem,
  NoticeListQuery,
  NoticeManagedQuery,
  NoticeReceipts,
  Paginated,
  SendResult,
} from './types'

const byId = (id: Id) => ({ params: { path: { id } } })

/** 信息列表: what I may read (pinned first); `q` searches with the Chinese search of 办文. */
export function listNotices(query: NoticeListQuery): Promise<Paginated<NoticeListItem>> {
  return call(() => api.GET('/api/notices/', { params: { query: compact(query) } }), { silent: true })
}

export function unreadCount(): Promise<number> {
  return call(() => api.GET('/api/notices/unread-count/'), { silent: true }).then((r) => r.unread)
}

export function listColumns(): Promise<NoticeColumn[]> {
  return call(() => api.GET('/api/notices/columns/')).then(asList)
}

export function createColumn(body: NoticeColumnInput): Promise<NoticeColumn> {
  return call(() => api.POST('/api/notices/columns/', { body }), { silent: true })
}

export function updateColumn(id: Id, body: NoticeColumnInput): Promise<NoticeColumn> {
  return call(() => api.PATCH('/api/notices/columns/{id}/', { ...byId(id), body }), { silent: true })
}

export function deleteColumn(id: Id): Promise<unknown> {
  return call(() => api.DELETE('/api/notices/columns/{id}/', byId(id)), { silent: true })
}

/** The unit's flows of the notices module (a column's approval flow). */
export function listApprovalFlows(): Promise<{ code: string; name: string }[]> {
  return call(() => api.GET('/api/notices/flows/'))
}

/** 发布管理: every item of the columns I publish in. */
export function listManaged(query: NoticeManagedQuery): Promise<Paginated<NoticeListItem>> {
  return call(() => api.GET('/api/notices/manage/', { params: { query: compact(query) } }))
}

export function createNotice(body: NoticeInput): Promise<NoticeDetail> {
  return call(() => api.POST('/api/notices/manage/', { body }), { silent: true })
}

export function getNotice(id: Id): Promise<NoticeDetail> {
  return call(() => api.GET('/api/notices/{id}/', byId(id)), { silent: true })
}

export function updateNotice(id: Id, body: NoticeInput): Promise<NoticeDetail> {
  return call(() => api.PATCH('/api/notices/{id}/', { ...byId(id), body }), { silent: true })
}

export function markRead(id: Id): Promise<NoticeDetail> {
  return call(() => api.POST('/api/notices/{id}/read/', byId(id)), { silent: true })
}

export function publishNotice(id: Id): Promise<NoticeDetail> {
  return call(() => api.POST('/api/notices/{id}/publish/', byId(id)), { silent: true })
}

export function retractNotice(id: Id, reason: string): Promise<NoticeDetail> {
  return call(() => api.POST('/api/notices/{id}/retract/', { ...byId(id), body: { reason } }), { silent: true })
}

export function remindUnread(id: Id): Promise<number> {
  return call(() => api.POST('/api/notices/{id}/remind/', byId(id)), { silent: true }).then((r) => r.reminded)
}

export function getReceipts(id: Id): Promise<NoticeReceipts> {
  return call(() => api.GET('/api/notices/{id}/receipts/', byId(id)))
}

export function addNoticeFiles(id: Id, files: File[]): Promise<NoticeDetail> {
  const form = new FormData()
  for (const file of files) form.append('files', file)
  return call(() => api.POST('/api/notices/{id}/files/', { ...byId(id), body: multipart(form) }), {
    silent: true,
  }) as Promise<NoticeDetail>
}

export function removeNoticeFile(id: Id, fileId: Id): Promise<NoticeDetail> {
  return call(
    () => api.DELETE('/api/notices/{id}/files/{file_pk}/', { params: { path: { id, file_pk: fileId } } }),
    { silent: true },
  ) as Promise<unknown> as Promise<NoticeDetail>
}

export function noticeFileUrl(id: Id, fileId: Id): string {
  return `/api/notices/${id}/files/${fileId}/`
}

/** 发布到其他单位: through the exchange hub, to units and groups. */
export function sendToUnits(id: Id, recipients: string[], groups: string[]): Promise<SendResult> {
  return call(() => api.POST('/api/notices/{id}/send/', { ...byId(id), body: { recipients, groups } }), {
    silent: true,
  })
}
