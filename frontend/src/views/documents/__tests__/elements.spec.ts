import { describe, expect, it } from 'vitest'
import type { DocumentDetail } from '@/api/types'
import { blankElements, changedElements, createInput, elementsOf, normaliseBody } from '../elements'

describe('elements', () => {
  it('starts a new draft as an unclassified, ordinary 通知 signed with the unit’s name', () => {
    expect(blankElements('思明区政府办公室')).toMatchObject({
      doc_type: '通知',
      classification: 'none',
      urgency: 'normal',
      signature_agency: '思明区政府办公室',
    })
  })

  it('creates a draft with only the elements that have a value', () => {
    const edited = { ...blankElements('思明区政府办公室'), title: '  关于做好冬季安全生产工作的通知 ', main_recipients: '' }
    expect(createInput(edited)).toEqual({
      title: '关于做好冬季安全生产工作的通知',
      doc_type: '通知',
      classification: 'none',
      urgency: 'normal',
      publish_level: 'not_public',
      signature_agency: '思明区政府办公室',
    })
  })

  it('patches only what changed, and not a body the editor merely re-wrapped', () => {
    const doc = { title: '关于……的通知', doc_type: '通知', body_html: '<p>正文</p>', main_recipients: '各街道' } as DocumentDetail
    const saved = elementsOf(doc)
    expect(changedElements(saved, { ...saved, title: '关于……的通知 ', body_html: '<p>正文</p><p><br></p>' })).toEqual({})
    expect(changedElements(saved, { ...saved, main_recipients: '各街道办事处', urgency: 'urgent' })).toEqual({
      main_recipients: '各街道办事处',
      urgency: 'urgent',
    })
    expect(changedElements(saved, { ...saved, body_html: '<p>新正文</p>' })).toEqual({ body_html: '<p>新正文</p>' })
  })

  it('normalises empty leading and trailing paragraphs of a body', () => {
    expect(normaliseBody('<p><br></p><p>一</p><p>&nbsp;</p><br>')).toBe('<p>一</p>')
    expect(normaliseBody('<p><br></p>')).toBe('')
  })
})
