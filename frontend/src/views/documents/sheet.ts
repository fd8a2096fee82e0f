/**
 * What the document sheet prints where (GB/T 9704-2012 《党政机关公文格式》): the small
 * pieces of text the page composes from the document's elements. Pure, so they are tested
 * on their own (views/documents/__tests__/sheet.spec.ts).
 */
import type { Classification, DocType, DocumentFile } from '@/api/types'

const CLASSIFICATION_TEXT: Record<Classification, string> = {
  none: '',
  secret: '秘密',
  confidential: '机密',
  top_secret: '绝密',
}

const URGENCY_TEXT: Record<string, string> = { normal: '', urgent: '加急', very_urgent: '特急' }

/** 密级和保密期限 (§7.2.2): "机密★1年"; "" for an unclassified document. */
export function secrecyText(classification: Classification | undefined, period: string | undefined): string {
  const level = CLASSIFICATION_TEXT[classification ?? 'none'] ?? ''
  if (!level) return ''
  return period?.trim() ? `${level}★${period.trim()}` : level
}

/** 紧急程度 (§7.2.3): 特急 / 加急, nothing for an ordinary one. */
export function urgencyText(urgency: string | undefined): string {
  return URGENCY_TEXT[urgency ?? 'normal'] ?? ''
}

/**
 * 发文机关标志 (§7.2.4): the agency's name followed by "文件", unless the drafter set
 * their own mark. A 函 uses the 信函格式 (§10.1), whose mark is the agency's name alone.
 */
export function agencyMarkText(mark: string | undefined, agencyName: string | undefined, docType?: DocType): string {
  if (mark?.trim()) return mark.trim()
  const name = agencyName?.trim() ?? ''
  if (!name) return ''
  return docType === '函' ? name : `${name}文件`
}

/**
 * 成文日期 (§7.3.5.1): Arabic numerals, the year in full, months and days without a
 * leading zero: 2026年3月5日. Takes YYYY-MM-DD (or a date-time); "" when there is none.
 */
export function documentDate(value: string | null | undefined): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value ?? '')
  if (!match) return ''
  return `${Number(match[1])}年${Number(match[2])}月${Number(match[3])}日`
}

/** A file's name as the 附件说明 names it: without its extension. */
export function attachmentTitle(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/**
 * 附件说明 (§7.3.3): "附件：" and the attachments' names, numbered 1．2．… when there are
 * several (a single one is not numbered). One entry per line; the sheet indents the
 * continuation lines under the first name.
 */
export function attachmentNote(files: Pick<DocumentFile, 'name' | 'role' | 'removed_at'>[]): string[] {
  const names = files
    .filter((f) => f.role === 'attachment' && !f.removed_at)
    .map((f) => attachmentTitle(f.name))
  if (!names.length) return []
  if (names.length === 1) return [`附件：${names[0]}`]
  return names.map((n, i) => `${i === 0 ? '附件：' : ''}${i + 1}．${n}`)
}

/** 印发机关和印发日期 (§7.4.3): the date as 2026年3月5日印发. */
export function printingDateText(value: string | null | undefined): string {
  const date = documentDate(value)
  return date ? `${date}印发` : ''
}

/** 抄送机关 (§7.4.2): "抄送：…。", the list ending with a full stop. */
export function copyToText(copyTo: string | undefined): string {
  const text = copyTo?.trim().replace(/[。.]+$/, '') ?? ''
  return text ? `抄送：${text}。` : ''
}

/** 主送机关 (§7.3.2) ends with a full-width colon. */
export function recipientsText(recipients: string | undefined): string {
  const text = recipients?.trim().replace(/[:：]+$/, '') ?? ''
  return text ? `${text}：` : ''
}

/** Bytes as 12 KB / 3.4 MB for file lists. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
