import { api, asList, call, compact } from './client'
import type {
  Envelope,
  EnvelopeDetail,
  EnvelopeListQuery,
  ExchangeGroup,
  ExchangeParty,
  GroupInput,
  HubDelivery,
  HubDeliveryQuery,
  HubMonitor,
  Id,
  InboxDetail,
  InboxItem,
  InboxQuery,
  MeetingNoticeInput,
  PackageRefusal,
  Paginated,
  PartyCreateInput,
  PartyPatchInput,
  SendResult,
  SendableDocument,
  SendableMeeting,
} from './types'

const byId = (id: Id) => ({ params: { path: { id } } })

// ---------------------------------------------------------------- a unit's host

/** 交换目录: every unit that can be sent to. */
export function listDirectory(q = ''): Promise<ExchangeParty[]> {
  return call(() => api.GET('/api/exchange/directory/', { params: { query: compact({ q }) } })).then(asList)
}

/** 单位组, with the units each one reaches now (`effective`). */
export function listGroups(): Promise<ExchangeGroup[]> {
  return call(() => api.GET('/api/exchange/directory/groups/')).then(asList)
}

/** 待分发: sealed outgoing documents at or after 核发 that I may send. */
export function listSendable(page = 1, pageSize = 20): Promise<Paginated<SendableDocument>> {
  return call(() => api.GET('/api/exchange/sendable/', { params: { query: { page, page_size: pageSize } } }))
}

export function sendDocument(document: Id, recipients: string[], groups: string[]): Promise<SendResult> {
  return call(() => api.POST('/api/exchange/envelopes/', { body: { document, recipients, groups } }), {
    silent: true,
  })
}

/** 会议通知 to send: this unit's approved 会议申请, each with how many units hold its notice. */
export function listSendableMeetings(page = 1, pageSize = 20): Promise<Paginated<SendableMeeting>> {
  return call(() =>
    api.GET('/api/exchange/sendable/meetings/', { params: { query: { page, page_size: pageSize } } }),
  )
}

export function sendMeetingNotice(input: MeetingNoticeInput): Promise<SendResult> {
  return call(() => api.POST('/api/exchange/meeting-notices/', { body: input }), { silent: true })
}

export function listSent(query: EnvelopeListQuery, silent = false): Promise<Paginated<Envelope>> {
  return call(() => api.GET('/api/exchange/envelopes/', { params: { query: compact(query) } }), { silent })
}

export function fetchEnvelope(id: Id): Promise<EnvelopeDetail> {
  return call(() => api.GET('/api/exchange/envelopes/{id}/', byId(id)))
}

export function recallDeliveries(id: Id, deliveries: Id[], reason: string): Promise<EnvelopeDetail> {
  return call(() => api.POST('/api/exchange/envelopes/{id}/recall/', { ...byId(id), body: { deliveries, reason } }), {
    silent: true,
  })
}

export function urgeDeliveries(id: Id, deliveries: Id[] = []): Promise<EnvelopeDetail> {
  return call(() => api.POST('/api/exchange/envelopes/{id}/urge/', { ...byId(id), body: { deliveries } }), {
    silent: true,
  })
}

export function listInbox(query: InboxQuery, silent = false): Promise<Paginated<InboxItem>> {
  return call(() => api.GET('/api/exchange/inbox/', { params: { query: compact(query) } }), { silent })
}

export function fetchInboxItem(id: Id): Promise<InboxDetail> {
  return call(() => api.GET('/api/exchange/inbox/{id}/', byId(id)), { silent: true })
}

/** Where a file of the package is read (0: the 版式文件; `inline` opens a PDF in the browser). */
export function inboxFileUrl(id: Id, index: number, inline = false): string {
  return `/api/exchange/inbox/${id}/files/${index}/${inline ? '?inline=1' : ''}`
}

export function signFor(id: Id): Promise<{ delivery: InboxItem; document: number }> {
  return call(() => api.POST('/api/exchange/inbox/{id}/sign/', byId(id)), { silent: true })
}

export function returnDelivery(id: Id, reason: string): Promise<InboxItem> {
  return call(() => api.POST('/api/exchange/inbox/{id}/return/', { ...byId(id), body: { reason } }), {
    silent: true,
  })
}

// ---------------------------------------------------------------- the console

export function listParties(q = ''): Promise<ExchangeParty[]> {
  return call(() => api.GET('/api/exchange/parties/', { params: { query: compact({ q }) } })).then(asList)
}

export function createParty(input: PartyCreateInput): Promise<ExchangeParty> {
  return call(() => api.POST('/api/exchange/parties/', { body: input }), { silent: true })
}

export function updateParty(code: string, input: PartyPatchInput): Promise<ExchangeParty> {
  return call(() => api.PATCH('/api/exchange/parties/{code}/', { params: { path: { code } }, body: input }), {
    silent: true,
  })
}

export function deleteParty(code: string): Promise<void> {
  return call(() => api.DELETE('/api/exchange/parties/{code}/', { params: { path: { code } } })).then(() => undefined)
}

/** The provider's groups (the same shape the units read). */
export function listConsoleGroups(): Promise<ExchangeGroup[]> {
  return call(() => api.GET('/api/exchange/groups/')).then(asList)
}

export function createGroup(input: GroupInput): Promise<ExchangeGroup> {
  return call(() => api.POST('/api/exchange/groups/', { body: input }), { silent: true })
}

export function updateGroup(id: Id, input: GroupInput): Promise<ExchangeGroup> {
  return call(() => api.PATCH('/api/exchange/groups/{id}/', { ...byId(id), body: input }), { silent: true })
}

export function deleteGroup(id: Id): Promise<void> {
  return call(() => api.DELETE('/api/exchange/groups/{id}/', byId(id))).then(() => undefined)
}

export function fetchMonitor(days = 30): Promise<HubMonitor> {
  return call(() => api.GET('/api/exchange/monitor/', { params: { query: { days } } }))
}

export function listHubDeliveries(query: HubDeliveryQuery): Promise<Paginated<HubDelivery>> {
  return call(() => api.GET('/api/exchange/deliveries/', { params: { query: compact(query) } }))
}

export function retryDelivery(id: Id): Promise<HubDelivery> {
  return call(() => api.POST('/api/exchange/deliveries/{id}/retry/', byId(id)))
}

export function listRefusals(page = 1): Promise<Paginated<PackageRefusal>> {
  return call(() => api.GET('/api/exchange/refusals/', { params: { query: { page } } }))
}
