import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useNotificationStore } from '../notifications'

/** A browser WebSocket stand-in (the edge of the world): the test opens, pushes and closes it. */
class FakeSocket {
  static last: FakeSocket | null = null
  onopen: (() => void) | null = null
  onmessage: ((e: MessageEvent) => void) | null = null
  onclose: ((e: CloseEvent) => void) | null = null
  constructor(public url: string) {
    FakeSocket.last = this
  }
  open() {
    this.onopen?.()
  }
  push(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent)
  }
  close(code = 1006) {
    this.onclose?.({ code } as CloseEvent)
  }
}

function answerCount(n: number) {
  return vi.fn(async () => new Response(JSON.stringify({ unread: n }), { status: 200, headers: { 'Content-Type': 'application/json' } }))
}

describe('the notification store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    FakeSocket.last = null
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('follows the pushed count and hands new items to listeners', async () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.stubGlobal('fetch', answerCount(2))
    const store = useNotificationStore()
    const seen: string[] = []
    store.onNew((items) => seen.push(...items.map((i) => i.title)))
    store.start()
    expect(FakeSocket.last?.url).toMatch(/\/ws\/notifications\/$/)
    FakeSocket.last!.open()
    expect(store.live).toBe(true)
    FakeSocket.last!.push({ type: 'notification', unread: 3, items: [{ id: 1, title: '催办：核稿' }] })
    expect(store.unread).toBe(3)
    expect(seen).toEqual(['催办：核稿'])
    store.stop()
  })

  it('polls the count over HTTP while the socket is closed, and does not retry a refused one', async () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    const fetch = answerCount(5)
    vi.stubGlobal('fetch', fetch)
    const store = useNotificationStore()
    store.start()
    const first = FakeSocket.last!
    first.close(4401)
    expect(store.live).toBe(false)
    const calls = fetch.mock.calls.length
    await vi.advanceTimersByTimeAsync(31_000)
    expect(fetch.mock.calls.length).toBeGreaterThan(calls)
    expect(store.unread).toBe(5)
    expect(FakeSocket.last).toBe(first) // refused: no new socket
    store.stop()
  })

  it('announces what is new when the count grows without a push (a dropped socket, polling)', async () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    let listed = 0
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = typeof req === 'string' ? req : req.url
        const body = url.includes('unread-count')
          ? { unread: 1 }
          : { count: 1, next: null, previous: null, results: listed++ ? [{ id: 8, title: '催办：核稿' }, { id: 7, title: '旧的' }] : [{ id: 7, title: '旧的' }] }
        return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
      }),
    )
    const store = useNotificationStore()
    const seen: string[] = []
    store.onNew((items) => seen.push(...items.map((i) => i.title)))
    store.start()
    await vi.advanceTimersByTimeAsync(10)
    FakeSocket.last!.open()
    FakeSocket.last!.push({ type: 'unread', unread: 2 })
    await vi.advanceTimersByTimeAsync(10)
    expect(store.unread).toBe(2)
    expect(seen).toEqual(['催办：核稿']) // the one already there before is not announced
    store.stop()
  })

  it('works with no WebSocket at all', async () => {
    vi.stubGlobal('WebSocket', undefined)
    vi.stubGlobal('fetch', answerCount(1))
    const store = useNotificationStore()
    store.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(store.unread).toBe(1)
    expect(store.live).toBe(false)
    store.stop()
  })
})
