import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { fetchMe, login, logout } from '@/api/auth'
import type { LoginInput, Me } from '@/api/types'
import { ADMIN_PERMISSIONS } from './permissions'

/** The signed-in user and what they may do. */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const checked = ref(false)
  let pending: Promise<Me | null> | null = null

  /** Ask the backend once per page load whether a session exists. */
  function ensureChecked(): Promise<Me | null> {
    if (checked.value) return Promise.resolve(me.value)
    if (!pending) {
      pending = fetchMe()
        .then((user) => {
          me.value = user
          checked.value = true
          return user
        })
        .finally(() => {
          pending = null
        })
    }
    return pending
  }

  async function refresh(): Promise<Me | null> {
    checked.value = false
    return ensureChecked()
  }

  async function signIn(input: LoginInput): Promise<Me> {
    const user = await login(input)
    me.value = user
    checked.value = true
    return user
  }

  async function signOut(): Promise<void> {
    try {
      await logout()
    } finally {
      clear()
    }
  }

  function clear() {
    me.value = null
    checked.value = true
  }

  const permissions = computed(() => new Set(me.value?.permissions ?? []))

  /** True if the user holds the code, or any of the codes. An empty list allows. */
  function can(required?: string | readonly string[] | null): boolean {
    if (!required) return true
    const codes = typeof required === 'string' ? [required] : required
    if (!codes.length) return true
    return codes.some((code) => permissions.value.has(code))
  }

  const hasAdminArea = computed(() => can(ADMIN_PERMISSIONS))
  const mustChangePassword = computed(() => Boolean(me.value?.must_change_password))

  function markPasswordChanged() {
    if (me.value) me.value = { ...me.value, must_change_password: false }
  }

  function requirePasswordChange() {
    if (me.value) me.value = { ...me.value, must_change_password: true }
  }

  return {
    me,
    checked,
    ensureChecked,
    refresh,
    signIn,
    signOut,
    clear,
    permissions,
    can,
    hasAdminArea,
    mustChangePassword,
    markPasswordChanged,
    requirePasswordChange,
  }
})
