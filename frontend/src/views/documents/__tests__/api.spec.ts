import { describe, expect, it } from 'vitest'
import { documentIdOf, registerExportUrl } from '@/api/documents'
import { emptyFilters, toQuery } from '../filters'

describe('documents API helpers', () => {
  it('finds the document behind a flow’s business key', () => {
    expect(documentIdOf('documents.document:42')).toBe(42)
    expect(documentIdOf('documents.document:')).toBeNull()
    expect(documentIdOf('meetings.meeting:42')).toBeNull()
    expect(documentIdOf(undefined)).toBeNull()
  })

  it('exports the register with the list’s filters but not its page', () => {
    const query = toQuery({ ...emptyFilters(), doc_type: '通知', year: 2026, q: ' 安全 ', dates: ['2026-01-01', '2026-01-31'] })
    expect(query).toEqual({ doc_type: '通知', year: 2026, q: '安全', date_from: '2026-01-01', date_to: '2026-01-31' })
    expect(registerExportUrl('outgoing', { ...query, page: 3, page_size: 20 })).toBe(
      '/api/documents/registers/outgoing/export/?doc_type=%E9%80%9A%E7%9F%A5&year=2026&q=%E5%AE%89%E5%85%A8&date_from=2026-01-01&date_to=2026-01-31',
    )
    expect(registerExportUrl('incoming', {})).toBe('/api/documents/registers/incoming/export/')
  })
})
