import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus, { ElMessage } from 'element-plus'
import * as ElementPlusIcons from '@element-plus/icons-vue'
import 'element-plus/dist/index.css'
import './styles/index.css'

import App from './App.vue'
import { i18n, currentLocale, elementLocales, setLocale } from './locales'
import { router } from './router'
import { setClientHooks } from './api/client'
import { useSessionStore } from './stores/session'
import { useSiteStore } from './stores/site'

async function bootstrap() {
  const app = createApp(App)
  const pinia = createPinia()
  app.use(pinia)
  app.use(i18n)
  app.use(ElementPlus, { locale: elementLocales[currentLocale()] })
  for (const [name, component] of Object.entries(ElementPlusIcons)) {
    app.component(name, component)
  }
  setLocale(currentLocale())

  const session = useSessionStore()
  setClientHooks({
    onUnauthorized() {
      session.clear()
      const current = router.currentRoute.value
      if (current.name !== 'login') {
        void router.push({
          name: 'login',
          query: current.meta.public ? {} : { redirect: current.fullPath },
        })
      }
    },
    onUnitSuspended(err) {
      useSiteStore().block(err)
      if (router.currentRoute.value.name !== 'unavailable') {
        void router.push({ name: 'unavailable' })
      }
    },
    onPasswordChangeRequired() {
      // The server insists: back to the forced change-password page.
      session.requirePasswordChange()
      void router.replace({ name: 'password' })
    },
    notify(message) {
      ElMessage({ type: 'error', message, grouping: true, showClose: true })
    },
  })

  // Host and session are known before the first route is resolved, so the
  // '/' and '/admin' redirects can pick the right page.
  await Promise.allSettled([useSiteStore().load(), session.ensureChecked()])

  app.use(router)
  await router.isReady()
  app.mount('#app')
}

void bootstrap()
