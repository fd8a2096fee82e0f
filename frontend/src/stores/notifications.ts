import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchUnreadCount, listNotifications } from '@/api/notifications'

/** A notification as the socket pushes it (a subset of the API's). */
export interface LiveNotification {
  id: number
  kind: string
  title: string
  body: string
  link: string
  actor_name: string
  created_at: string
}

type Listener = (items: LiveNotification[]) => void

// Close codes the server uses when it refuses a socket: retrying will not help.
const REFUSED = new Set([4401, 4403, 1008])
const POLL_MS = 30_000
const MAX_BACKOFF_MS = 60_000

/**
 * The header bell's unread count, kept live over /ws/notifications/ (Channels) and,
 * whenever the socket is not open (blocked by a proxy, refused, reconnecting), by polling
 * GET /api/notifications/unread-count/ every 30 s: the portal works the same without it.
 */
export const useNotificationStore = defineStore('notifications', () => {
  const unread = ref<number | null>(null)
  const live = ref(false)
  const listeners = new Set<Listener>()
  let socket: WebSocket | null = null
  let pollTimer: ReturnType<typeof setInterval> | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let backoff = 2_000
  let started = false
  // The newest notification this tab has announced: a count that grows without a push (the
  // socket dropped and reconnected, or polling) fetches what is new and announces it too.
  let newestSeen = 0

  function announce(items: LiveNotification[]) {
    const fresh = items.filter((i) => i.id > newestSeen)
    if (!fresh.length) return
    newestSeen = Math.max(newestSeen, ...fresh.map((i) => i.id))
    for (const listener of listeners) listener(fresh)
  }

  async function catchUp() {
    try {
      const page = await listNotifications({ unread: true, page_size: 5 }, true)
      announce(page.results as unknown as LiveNotification[])
    } catch {
      // the next count will try again
    }
  }

  function setCount(n: number) {
    const grew = unread.value !== null && n > unread.value
    unread.value = n
    if (grew) void catchUp()
  }

  async function refresh() {
    try {
      setCount((await fetchUnreadCount()).unread)
    } catch {
      // the badge stays as it was
    }
  }

  async function primeNewest() {
    try {
      const page = await listNotifications({ page_size: 1 }, true)
      newestSeen = Math.max(newestSeen, page.results[0]?.id ?? 0)
    } catch {
      // nothing announced yet either way
    }
  }

  function startPolling() {
    if (pollTimer) return
    pollTimer = setInterval(() => void refresh(), POLL_MS)
  }

  function stopPolling() {
    if (pollTimer) clearInterval(pollTimer)
    pollTimer = null
  }

  function onMessage(event: MessageEvent) {
    let data: { type?: string; unread?: number; items?: LiveNotification[] }
    try {
      data = JSON.parse(String(event.data))
    } catch {
      return
    }
    if (data.type === 'notification' && data.items?.length) {
      announce(data.items)
      if (typeof data.unread === 'number') unread.value = data.unread
    } else if (typeof data.unread === 'number') {
      setCount(data.unread)
    }
  }

  function connect() {
    if (typeof WebSocket === 'undefined') return
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    let ws: WebSocket
    try {
      ws = new WebSocket(`${scheme}://${location.host}/ws/notifications/`)
    } catch {
      scheduleRetry()
      return
    }
    socket = ws
    ws.onopen = () => {
      live.value = true
      backoff = 2_000
      stopPolling()
    }
    ws.onmessage = onMessage
    ws.onclose = (event) => {
      if (socket !== ws) return
      socket = null
      live.value = false
      startPolling()
      if (started && !REFUSED.has(event.code)) scheduleRetry()
    }
  }

  function scheduleRetry() {
    if (retryTimer || !started) return
    retryTimer = setTimeout(() => {
      retryTimer = null
      if (started && !socket) connect()
    }, backoff)
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
  }

  /** Start once per signed-in portal session (the layout calls it). */
  function start() {
    if (started) return
    started = true
    void primeNewest().then(refresh)
    startPolling()
    connect()
  }

  function stop() {
    started = false
    stopPolling()
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    const ws = socket
    socket = null
    live.value = false
    ws?.close()
  }

  /** Called with each batch of new notifications pushed live; returns an unsubscribe. */
  function onNew(listener: Listener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }

  function setUnread(n: number) {
    unread.value = n
  }

  return { unread, live, start, stop, refresh, onNew, setUnread }
})
