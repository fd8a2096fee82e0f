import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import * as Icons from '@element-plus/icons-vue'
import { i18n, setLocale } from '@/locales'
import { useSessionStore } from '@/stores/session'
import { useSiteStore } from '@/stores/site'
import type { SiteContext } from '@/api/types'
import LoginView from '../index.vue'

const Blank = { template: '<div />' }

function unitContext(): SiteContext {
  return {
    kind: 'unit',
    platform_name: '统一电子公文办公平台',
    unit: { code: 'siming', name: '思明区人民政府办公室', kind: 'district_office', status: 'active', modules: [] },
  }
}

async function mountLogin(context: SiteContext) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const site = useSiteStore()
  site.context = context
  const session = useSessionStore()
  session.checked = true

  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: LoginView },
      { path: '/console/units', name: 'console-units', component: Blank },
      { path: '/portal', name: 'portal-home', component: Blank },
    ],
  })
  await router.push('/login')
  await router.isReady()

  const wrapper = mount(LoginView, {
    attachTo: document.body,
    global: {
      plugins: [pinia, router, i18n, ElementPlus],
      components: Icons,
    },
  })
  return { wrapper, router }
}

describe('login view', () => {
  beforeEach(() => {
    setLocale('zh-CN')
    document.cookie = 'csrftoken=abc'
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('renders the form with its test ids and the unit name', async () => {
    const { wrapper } = await mountLogin(unitContext())
    for (const id of ['login-username', 'login-password', 'login-submit', 'lang-switch']) {
      expect(wrapper.find(`[data-testid="${id}"]`).exists(), id).toBe(true)
    }
    // el-input hands the test id to the native <input>, which is what a browser test fills.
    expect(wrapper.find('[data-testid="login-username"]').element.tagName).toBe('INPUT')
    expect(wrapper.find('[data-testid="login-audience"]').text()).toBe('思明区人民政府办公室')
    expect(wrapper.text()).toContain('账号登录')
    wrapper.unmount()
  })

  it('names the console on the base host', async () => {
    const { wrapper } = await mountLogin({ kind: 'console', platform_name: '统一电子公文办公平台', unit: null })
    expect(wrapper.find('[data-testid="login-audience"]').text()).toBe('平台运营管理控制台')
    wrapper.unmount()
  })

  it('switches the UI to English', async () => {
    const { wrapper } = await mountLogin(unitContext())
    await wrapper.find('[data-testid="lang-switch"]').trigger('click')
    expect(wrapper.text()).toContain('Sign in to your account')
    wrapper.unmount()
  })

  it('shows the mapped message when the credentials are wrong', async () => {
    const fetchMock = vi.fn(async (req: Request) => {
      if (req.url.endsWith('/api/auth/csrf/')) return new Response(null, { status: 204 })
      return new Response(
        JSON.stringify({ code: 'invalid_credentials', detail: 'Invalid credentials', field: null }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      )
    })
    vi.stubGlobal('fetch', fetchMock)
    const { wrapper, router } = await mountLogin(unitContext())

    await wrapper.find('[data-testid="login-username"]').setValue('alice')
    await wrapper.find('[data-testid="login-password"]').setValue('wrong')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find('[data-testid="login-error"]').exists()).toBe(true))

    expect(wrapper.find('[data-testid="login-error"]').text()).toContain('用户名或密码错误')
    expect(router.currentRoute.value.name).toBe('login')
    const login = fetchMock.mock.calls.map(([r]) => r).find((r) => r.url.endsWith('/api/auth/login/'))!
    expect(login.method).toBe('POST')
    expect(await login.json()).toEqual({ username: 'alice', password: 'wrong' })
    wrapper.unmount()
  })

  it('goes to the portal home after a successful unit login', async () => {
    const me = {
      id: 1,
      username: 'alice',
      display_name: '张丽',
      email: '',
      kind: 'unit',
      permissions: [],
      department: null,
      position: null,
      roles: [],
      must_change_password: false,
    }
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) =>
        req.url.endsWith('/api/auth/csrf/')
          ? new Response(null, { status: 204 })
          : new Response(JSON.stringify(me), { status: 200, headers: { 'Content-Type': 'application/json' } }),
      ),
    )
    const { wrapper, router } = await mountLogin(unitContext())
    await wrapper.find('[data-testid="login-username"]').setValue('alice')
    await wrapper.find('[data-testid="login-password"]').setValue('secret')
    await wrapper.find('form').trigger('submit')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('portal-home'))
    expect(useSessionStore().me?.display_name).toBe('张丽')
    wrapper.unmount()
  })
})
