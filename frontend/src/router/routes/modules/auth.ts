import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/auth/login/index.vue'),
    meta: { public: true, title: 'auth.login.pageTitle' },
  },
  {
    // An initial or reset password must be changed first: the guard sends every page here.
    path: '/password',
    name: 'password',
    component: () => import('@/views/auth/password/index.vue'),
    meta: { title: 'account.password.forcedTitle' },
  },
]

export default routes
