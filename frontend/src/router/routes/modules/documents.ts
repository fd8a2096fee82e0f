import type { RouteRecordRaw } from 'vue-router'

/** Holders of these see the whole unit's documents and its registers (oa/documents/queries.py OFFICE_WIDE). */
export const DOCUMENTS_OFFICE: string[] = [
  'documents.register',
  'documents.receive',
  'documents.review',
  'documents.sign',
  'documents.instruct',
  'documents.archive',
]

/** 办文 pages, nested in the portal layout (see ./portal.ts); the unit must have the module. */
export const documentRoutes: RouteRecordRaw[] = [
  {
    path: 'documents',
    name: 'documents',
    component: () => import('@/views/documents/list/index.vue'),
    meta: { title: 'menu.documents', module: 'documents' },
  },
  {
    // 拟稿: the same page as a document's, before the draft exists.
    path: 'documents/new',
    name: 'documents-draft',
    component: () => import('@/views/documents/detail/index.vue'),
    meta: { title: 'documents.list.draft', module: 'documents', permissions: ['documents.draft'] },
  },
  {
    path: 'documents/:id(\\d+)',
    name: 'documents-detail',
    component: () => import('@/views/documents/detail/index.vue'),
    meta: { title: 'menu.documents', module: 'documents' },
  },
  {
    path: 'documents/search',
    name: 'documents-search',
    component: () => import('@/views/documents/search/index.vue'),
    meta: { title: 'documents.search.title', module: 'documents' },
  },
  {
    path: 'documents/registers/:direction(outgoing|incoming)',
    name: 'documents-register',
    component: () => import('@/views/documents/registers/index.vue'),
    meta: { title: 'documents.register.title', module: 'documents', permissions: DOCUMENTS_OFFICE },
  },
]
