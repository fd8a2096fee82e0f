import { describe, expect, it } from 'vitest'
import { usePagedList, type PageResult } from '../usePagedList'

function pages(...results: PageResult<number>[]) {
  let next = 0
  return () => Promise.resolve(results[next++] as PageResult<number>)
}

describe('usePagedList', () => {
  it('keeps the rows and the count of the page loaded', async () => {
    const list = usePagedList(pages({ results: [1, 2], count: 2 }), { text: () => '', resetPage: () => {} })
    await list.load()
    expect(list.rows.value).toEqual([1, 2])
    expect(list.total.value).toBe(2)
    expect(list.exact.value).toBe(true)
  })

  it('says when the count is only an estimate, and forgets it when the next count is exact', async () => {
    const list = usePagedList(
      pages({ results: [1], count: 12_000, count_exact: false }, { results: [1], count: 7, count_exact: true }),
      { text: () => '', resetPage: () => {} },
    )
    await list.load()
    expect(list.total.value).toBe(12_000)
    expect(list.exact.value).toBe(false)
    await list.load()
    expect(list.exact.value).toBe(true)
  })
})
