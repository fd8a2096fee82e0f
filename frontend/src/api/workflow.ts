import { api, asList, call, compact } from './client'
import type {
  StartableFlow,
  AddSignerInput,
  Circulation,
  CirculationListQuery,
  CompleteInput,
  FlowDefinition,
  Id,
  InstanceDetail,
  Paginated,
  RemindInput,
  ReturnInput,
  StartInput,
  TaskDetail,
  TaskListItem,
  TaskListQuery,
  TransferInput,
  WithdrawInput,
} from './types'

const byId = (id: Id) => ({ params: { path: { id } } })

export function listTasks(query: TaskListQuery, silent = false): Promise<Paginated<TaskListItem>> {
  return call(() => api.GET('/api/workflow/tasks/', { params: { query: compact(query) } }), { silent })
}

export function fetchTask(id: Id): Promise<TaskDetail> {
  return call(() => api.GET('/api/workflow/tasks/{id}/', byId(id)))
}

export function completeTask(id: Id, input: CompleteInput): Promise<TaskDetail> {
  return call(() => api.POST('/api/workflow/tasks/{id}/complete/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function returnTask(id: Id, input: ReturnInput): Promise<TaskDetail> {
  return call(() => api.POST('/api/workflow/tasks/{id}/return/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function withdrawTask(id: Id, input: WithdrawInput): Promise<TaskDetail> {
  return call(() => api.POST('/api/workflow/tasks/{id}/withdraw/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function transferTask(id: Id, input: TransferInput): Promise<TaskDetail> {
  return call(() => api.POST('/api/workflow/tasks/{id}/transfer/', { ...byId(id), body: input }), {
    silent: true,
  })
}

export function addSigner(id: Id, input: AddSignerInput): Promise<TaskDetail> {
  return call(
    () => api.POST('/api/workflow/tasks/{id}/add-signer/', { ...byId(id), body: input }),
    { silent: true },
  )
}

export function remindTask(id: Id, input: RemindInput): Promise<TaskDetail> {
  return call(() => api.POST('/api/workflow/tasks/{id}/remind/', { ...byId(id), body: input }), {
    silent: true,
  })
}

/** The unit's flows this user may start, each with its start form's JSON Schema and ui hints. */
export function listStartable(silent = false): Promise<StartableFlow[]> {
  return call(() => api.GET('/api/workflow/startable/'), { silent }).then((rows) => asList(rows))
}

export function listDefinitions(): Promise<FlowDefinition[]> {
  return call(() => api.GET('/api/workflow/definitions/')).then((rows) => asList(rows))
}

export function startInstance(input: StartInput): Promise<InstanceDetail> {
  return call(() => api.POST('/api/workflow/instances/', { body: input }), { silent: true })
}

export function fetchInstance(id: Id): Promise<InstanceDetail> {
  return call(() => api.GET('/api/workflow/instances/{id}/', byId(id)))
}

export function circulate(instance: Id, recipients: Id[], note = ''): Promise<InstanceDetail> {
  return call(
    () => api.POST('/api/workflow/instances/{id}/circulate/', { ...byId(instance), body: { recipients, note } }),
    { silent: true },
  )
}

export function listCirculations(query: CirculationListQuery, silent = false): Promise<Paginated<Circulation>> {
  return call(() => api.GET('/api/workflow/circulations/', { params: { query: compact(query) } }), { silent })
}

export function markRead(id: Id): Promise<Circulation> {
  return call(() => api.POST('/api/workflow/circulations/{id}/read/', byId(id)))
}
