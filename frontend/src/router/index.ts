import { createRouter, createWebHistory } from 'vue-router'
import { routes } from './routes'
import { installGuards } from './guard'

export { homeRouteName } from './routes'

// Pages live at the root on every host; assets sit under /static/ (the build base).
export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

installGuards(router)
