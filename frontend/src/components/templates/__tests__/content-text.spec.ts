import { describe, expect, it } from 'vitest'
import { contentText, prettyXml } from '../content-text'

describe('contentText', () => {
  it('indents BPMN and keeps text elements on one line', () => {
    const xml = '<?xml version="1.0"?><a><b id="x"/><c>hi</c></a>'
    expect(prettyXml(xml)).toBe('<?xml version="1.0"?>\n<a>\n  <b id="x"/>\n  <c>hi</c>\n</a>')
  })
  it('pretty-prints JSON for the other kinds', () => {
    expect(contentText('form', { a: 1 })).toBe('{\n  "a": 1\n}')
  })
})
