import { describe, expect, it, vi } from 'vitest'

describe('usePhone', () => {
  it('follows the phone media query, one listener for every caller', async () => {
    const listeners: ((e: { matches: boolean }) => void)[] = []
    const matchMedia = vi.fn((query: string) => ({
      matches: query === '(max-width: 768px)',
      addEventListener: (_: string, cb: (e: { matches: boolean }) => void) => listeners.push(cb),
    }))
    vi.stubGlobal('matchMedia', matchMedia)
    window.matchMedia = matchMedia as unknown as typeof window.matchMedia
    const { usePhone } = await import('../usePhone')
    const a = usePhone()
    const b = usePhone()
    expect(a.value).toBe(true)
    expect(matchMedia).toHaveBeenCalledTimes(1)
    listeners[0]!({ matches: false })
    expect(a.value).toBe(false)
    expect(b.value).toBe(false)
  })
})
