/**
 * The elements (公文要素) the drafting page edits: a working copy taken from the document,
 * and what changed in it (PATCH sends only those). Pure, tested in __tests__/elements.spec.ts.
 */
import type { Classification, DocType, DocumentDetail, ElementsInput, PublishLevel, Urgency } from '@/api/types'

export interface Elements {
  title: string
  doc_type: DocType | ''
  main_recipients: string
  copy_to: string
  classification: Classification
  secrecy_period: string
  copy_number: string
  urgency: Urgency
  publish_level: PublishLevel
  note: string
  signature_agency: string
  agency_mark: string
  body_html: string
}

export const ELEMENT_KEYS: (keyof Elements)[] = [
  'title', 'doc_type', 'main_recipients', 'copy_to', 'classification', 'secrecy_period', 'copy_number',
  'urgency', 'publish_level', 'note', 'signature_agency', 'agency_mark', 'body_html',
]

/** The 15 kinds of 条例第八条, in its order. */
export const DOC_TYPES: DocType[] = [
  '决议', '决定', '命令', '公报', '公告', '通告', '意见', '通知', '通报', '报告', '请示', '批复', '议案', '函', '纪要',
]

/** A new draft: a 通知, unclassified, ordinary, signed with the unit's name. */
export function blankElements(unitName = ''): Elements {
  return {
    title: '',
    doc_type: '通知',
    main_recipients: '',
    copy_to: '',
    classification: 'none',
    secrecy_period: '',
    copy_number: '',
    urgency: 'normal',
    publish_level: 'not_public',
    note: '',
    signature_agency: unitName,
    agency_mark: '',
    body_html: '',
  }
}

export function elementsOf(doc: DocumentDetail): Elements {
  return {
    title: doc.title ?? '',
    doc_type: doc.doc_type ?? '',
    main_recipients: doc.main_recipients ?? '',
    copy_to: doc.copy_to ?? '',
    classification: doc.classification ?? 'none',
    secrecy_period: doc.secrecy_period ?? '',
    copy_number: doc.copy_number ?? '',
    urgency: doc.urgency ?? 'normal',
    publish_level: doc.publish_level ?? 'not_public',
    note: doc.note ?? '',
    signature_agency: doc.signature_agency ?? '',
    agency_mark: doc.agency_mark ?? '',
    body_html: doc.body_html ?? '',
  }
}

/** An editor leaves <p><br></p> or trailing <br> in an emptied body: the same as no body. */
export function normaliseBody(html: string): string {
  const trimmed = html.replace(/(<p>(\s|&nbsp;|<br\s*\/?>)*<\/p>|<br\s*\/?>|\s)+$/gi, '')
  return trimmed.replace(/^(<p>(\s|&nbsp;|<br\s*\/?>)*<\/p>|\s)+/gi, '')
}

function same(key: keyof Elements, a: string, b: string): boolean {
  if (key === 'body_html') return normaliseBody(a) === normaliseBody(b)
  return a.trim() === b.trim()
}

/** The fields that differ from the saved document (text compared without outer spaces). */
export function changedElements(saved: Elements, edited: Elements): ElementsInput {
  const out: Record<string, string> = {}
  for (const key of ELEMENT_KEYS) {
    if (!same(key, saved[key], edited[key])) out[key] = key === 'body_html' ? edited[key] : edited[key].trim()
  }
  return out as ElementsInput
}

/** The body for a new draft (POST /outgoing/): every element that has a value. */
export function createInput(edited: Elements): ElementsInput {
  const out: Record<string, string> = {}
  for (const key of ELEMENT_KEYS) {
    const value = key === 'body_html' ? edited[key] : edited[key].trim()
    if (value) out[key] = value
  }
  return out as ElementsInput
}
