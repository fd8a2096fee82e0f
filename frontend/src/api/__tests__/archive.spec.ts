import { describe, expect, it } from 'vitest'
import { setLocale } from '@/locales'
import { errorMessage, toApiError } from '../client'
import { boxLabelsUrl, directoryPdfUrl, directoryXlsxUrl, loanItemPdfUrl } from '../archive'

describe('archive printout links', () => {
  it('carry the catalogue filters, not the paging or empty ones', () => {
    const query = { year: 2012, retention: 'D10' as const, org: '', q: '', page: 3, page_size: 20 }
    expect(directoryPdfUrl(query)).toBe('/api/archive/catalogue/directory/pdf/?year=2012&retention=D10')
    expect(directoryXlsxUrl({})).toBe('/api/archive/catalogue/directory/xlsx/')
    expect(boxLabelsUrl({ year: 2012 }, 15)).toBe('/api/archive/catalogue/box-labels/?year=2012&per_box=15')
    expect(loanItemPdfUrl(7, 42)).toBe('/api/archive/loans/7/items/42/pdf/')
  })
})

describe('archive refusals', () => {
  it('are worded for the codes the archive answers with', () => {
    setLocale('zh-CN')
    const expired = toApiError(403, { code: 'loan_expired', detail: '借阅已到期或未获批准，不能再查阅。', field: null })
    expect(errorMessage(expired)).toContain('借阅')
    const undecided = toApiError(409, { code: 'no_decision', detail: '', field: 'document' })
    expect(errorMessage(undecided)).toContain('鉴定')
  })
})
