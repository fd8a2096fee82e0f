import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter, type RouteLocationNormalized } from 'vue-router'
import type { Me } from '@/api/types'
import { useSessionStore } from '@/stores/session'
import { useSiteStore } from '@/stores/site'
import { resolveNavigation } from '../guard'
import { routes } from '../routes'

function me(mustChange: boolean): Me {
  return {
    id: 7,
    username: 'director',
    display_name: '林建国',
    email: '',
    kind: 'unit',
    permissions: ['directory.manage'],
    department: null,
    position: null,
    roles: [],
    must_change_password: mustChange,
  }
}

function setUp(mustChange: boolean) {
  setActivePinia(createPinia())
  useSiteStore().context = {
    kind: 'unit',
    platform_name: '统一电子公文办公平台',
    unit: { code: 'siming', name: '思明区政府办公室', kind: 'district_office', status: 'active', modules: [] },
  }
  const session = useSessionStore()
  session.me = me(mustChange)
  session.checked = true
  const router = createRouter({ history: createMemoryHistory(), routes })
  return (path: string) => resolveNavigation(router.resolve(path) as RouteLocationNormalized)
}

describe('the forced password change', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('sends every page to /password while the password must be changed', async () => {
    const go = setUp(true)
    expect(await go('/admin/staff')).toEqual({ name: 'password', query: { redirect: '/admin/staff' } })
    expect(await go('/portal')).toMatchObject({ name: 'password' })
    expect(await go('/password')).toBe(true)
  })

  it('leaves /password once the password is changed', async () => {
    const go = setUp(false)
    expect(await go('/password')).toEqual({ name: 'portal-home' })
  })

  it('never redirects back to /password after the change', async () => {
    const { safeRedirect } = await import('../guard')
    expect(safeRedirect('/password')).toBeNull()
    expect(safeRedirect('/admin/staff')).toBe('/admin/staff')
  })
})
