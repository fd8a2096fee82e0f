import { describe, expect, it } from 'vitest'
import {
  agencyMarkText,
  attachmentNote,
  copyToText,
  documentDate,
  fileSize,
  printingDateText,
  recipientsText,
  secrecyText,
  urgencyText,
} from '../sheet'

const file = (name: string, role: 'attachment' | 'body' | 'rendered' = 'attachment', removed_at: string | null = null) => ({
  name,
  role,
  removed_at,
})

describe('the sheet’s header marks', () => {
  it('prints the classification with its period after a star, nothing when unclassified', () => {
    expect(secrecyText('confidential', '1年')).toBe('机密★1年')
    expect(secrecyText('secret', '  ')).toBe('秘密')
    expect(secrecyText('none', '1年')).toBe('')
    expect(secrecyText(undefined, '')).toBe('')
  })

  it('prints 特急 and 加急 but nothing for an ordinary document', () => {
    expect(urgencyText('very_urgent')).toBe('特急')
    expect(urgencyText('urgent')).toBe('加急')
    expect(urgencyText('normal')).toBe('')
  })

  it('makes the agency mark from the agency name plus 文件, unless one was written', () => {
    expect(agencyMarkText('', '思明区政府办公室', '通知')).toBe('思明区政府办公室文件')
    expect(agencyMarkText('  中共思明区委办公室  ', '思明区政府办公室', '通知')).toBe('中共思明区委办公室')
    // 信函格式: the mark is the agency's name alone.
    expect(agencyMarkText('', '思明区政府办公室', '函')).toBe('思明区政府办公室')
    expect(agencyMarkText('', '', '通知')).toBe('')
  })
})

describe('dates', () => {
  it('writes the 成文日期 in Arabic numerals without leading zeros', () => {
    expect(documentDate('2026-03-05')).toBe('2026年3月5日')
    expect(documentDate('2026-12-31T09:00:00+08:00')).toBe('2026年12月31日')
    expect(documentDate(null)).toBe('')
    expect(documentDate('not a date')).toBe('')
  })

  it('adds 印发 to the printing date', () => {
    expect(printingDateText('2026-01-09')).toBe('2026年1月9日印发')
    expect(printingDateText(undefined)).toBe('')
  })
})

describe('附件说明', () => {
  it('numbers several attachments, names without extensions, leaving out body, rendered and removed files', () => {
    expect(
      attachmentNote([
        file('正文.docx', 'body'),
        file('安全生产检查表.xlsx'),
        file('雪松计划实施方案.docx'),
        file('旧表.xlsx', 'attachment', '2026-01-01T00:00:00Z'),
        file('公文.pdf', 'rendered'),
      ]),
    ).toEqual(['附件：1．安全生产检查表', '2．雪松计划实施方案'])
  })

  it('does not number a single attachment and keeps dots inside the name', () => {
    expect(attachmentNote([file('2026.1 值班表.pdf')])).toEqual(['附件：2026.1 值班表'])
    expect(attachmentNote([])).toEqual([])
  })
})

describe('版记 and 主送', () => {
  it('ends 抄送 with a full stop and 主送 with a colon, once', () => {
    expect(copyToText('区委办公室，区人大办公室')).toBe('抄送：区委办公室，区人大办公室。')
    expect(copyToText('区委办公室。')).toBe('抄送：区委办公室。')
    expect(copyToText(' ')).toBe('')
    expect(recipientsText('各街道办事处，区直各部门')).toBe('各街道办事处，区直各部门：')
    expect(recipientsText('各街道办事处：')).toBe('各街道办事处：')
    expect(recipientsText('')).toBe('')
  })
})

it('shows file sizes in B, KB and MB', () => {
  expect(fileSize(512)).toBe('512 B')
  expect(fileSize(20 * 1024)).toBe('20 KB')
  expect(fileSize(3.4 * 1024 * 1024)).toBe('3.4 MB')
})
