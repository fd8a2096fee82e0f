import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: '/403',
    name: 'forbidden',
    component: () => import('@/views/error/forbidden/index.vue'),
    meta: { public: true, title: 'error.forbidden.title' },
  },
  {
    path: '/unavailable',
    name: 'unavailable',
    component: () => import('@/views/error/unavailable/index.vue'),
    meta: { public: true, title: 'error.unavailable.title' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/error/not-found/index.vue'),
    meta: { public: true, title: 'error.notFound.title' },
  },
]

export default routes
