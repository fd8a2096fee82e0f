import type { Client } from 'openapi-fetch'
import { api, call, multipart } from './client'
import type { paths as ConsolePaths } from './schema-console'
import type {
  Id,
  LibraryTemplate,
  LibraryTemplateDetail,
  LibraryTemplateKind,
  StarterKit,
  TemplateDiff,
  TemplateVersionDetail,
} from './types'

/*
 * The provider console's 模板库 (console host). /api/templates/… exists on the unit host too with
 * other shapes, so these calls go through the client typed with the console schema only.
 */
const consoleApi = api as unknown as Client<ConsolePaths>
const byId = (id: Id) => ({ params: { path: { id } } })

export function listLibraryTemplates(kind?: LibraryTemplateKind): Promise<LibraryTemplate[]> {
  return call(() => consoleApi.GET('/api/templates/', { params: { query: kind ? { kind } : {} } }))
}

export function fetchLibraryTemplate(id: Id): Promise<LibraryTemplateDetail> {
  return call(() => consoleApi.GET('/api/templates/{id}/', byId(id)))
}

export function fetchVersion(id: Id, number: number): Promise<TemplateVersionDetail> {
  return call(() => consoleApi.GET('/api/templates/{id}/versions/{number}/', { params: { path: { id, number } } }))
}

export function diffVersions(id: Id, from: number, to: number): Promise<TemplateDiff> {
  return call(() => consoleApi.GET('/api/templates/{id}/diff/', { params: { path: { id }, query: { from, to } } }))
}

/** A new draft: a file (.bpmn / .json) or the content (BPMN text, or a JSON object). */
export function uploadDraft(
  id: Id,
  input: { file?: File | null; content?: unknown; notes?: string },
): Promise<TemplateVersionDetail> {
  if (input.file) {
    const form = new FormData()
    form.append('file', input.file)
    form.append('notes', input.notes ?? '')
    return call(() => consoleApi.POST('/api/templates/{id}/versions/', { ...byId(id), body: multipart(form) }), {
      silent: true,
    })
  }
  return call(
    () =>
      consoleApi.POST('/api/templates/{id}/versions/', {
        ...byId(id),
        body: { content: input.content, notes: input.notes ?? '' },
      }),
    { silent: true },
  )
}

export function publishVersion(id: Id, number: number): Promise<TemplateVersionDetail> {
  return call(() =>
    consoleApi.POST('/api/templates/{id}/versions/{number}/publish/', { params: { path: { id, number } } }),
  )
}

export function listStarterKits(): Promise<StarterKit[]> {
  return call(() => consoleApi.GET('/api/starter-kits/'))
}
