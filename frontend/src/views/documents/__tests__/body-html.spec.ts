import { describe, expect, it } from 'vitest'
import { cleanBodyHtml, hasText, markedHtml, textToParagraphs } from '../body-html'

describe('cleanBodyHtml', () => {
  it('keeps paragraphs, headings, emphasis, lists, tables and text alignment', () => {
    const html =
      '<h2 style="text-align: center">一、总体要求</h2><p style="color:red;text-align:justify">各单位要<strong>高度重视</strong>。</p>' +
      '<ol><li>第一</li></ol><table><tbody><tr><td colspan="2" class="x">合计</td></tr></tbody></table>'
    expect(cleanBodyHtml(html)).toBe(
      '<h2 style="text-align: center">一、总体要求</h2><p style="text-align: justify">各单位要<strong>高度重视</strong>。</p>' +
        '<ol><li>第一</li></ol><table><tbody><tr><td colspan="2">合计</td></tr></tbody></table>',
    )
  })

  it('drops scripts, frames and event handlers; unwraps links and Word’s markup', () => {
    const html =
      '<p onclick="alert(1)">甲<script>alert(2)</script><a href="javascript:alert(3)">乙</a></p>' +
      '<iframe src="x"></iframe><img src=x onerror="alert(4)"><svg><script>alert(5)</script></svg>' +
      '<p class="MsoNormal"><span lang="EN-US" style="font-family:仿宋">丙<o:p></o:p></span></p><!-- note -->'
    const clean = cleanBodyHtml(html)
    expect(clean).toBe('<p>甲乙</p><p><span>丙</span></p>')
    expect(clean).not.toMatch(/alert|on\w+=|href|src/)
  })

  it('refuses odd cell spans and styles other than alignment', () => {
    expect(cleanBodyHtml('<table><tr><td rowspan="0" style="width:9px">1</td></tr></table>')).toBe(
      '<table><tbody><tr><td>1</td></tr></tbody></table>',
    )
  })
})

describe('textToParagraphs', () => {
  it('makes one escaped paragraph per non-empty line without the typed indentation', () => {
    expect(textToParagraphs('　　第一段<b>\r\n\n  第二段 & 附件  \n')).toBe('<p>第一段&lt;b&gt;</p><p>第二段 &amp; 附件</p>')
  })
})

it('tells an emptied editor from a body with text', () => {
  expect(hasText('<p><br></p>')).toBe(false)
  expect(hasText('<p>&nbsp;</p>')).toBe(false)
  expect(hasText('<p>一</p>')).toBe(true)
})

describe('markedHtml', () => {
  it('keeps <mark> and the backend’s entities', () => {
    expect(markedHtml('…实施<mark>雪松计划</mark>的 &lt;通知&gt;…')).toBe('…实施<mark>雪松计划</mark>的 &lt;通知&gt;…')
  })

  it('escapes any other tag, whatever the string holds', () => {
    expect(markedHtml('<img src=x onerror=alert(1)><mark>甲</mark>')).toBe('&lt;img src=x onerror=alert(1)&gt;<mark>甲</mark>')
    expect(markedHtml('<mark onclick="x">甲</mark>')).toBe('&lt;mark onclick=&quot;x&quot;&gt;甲')
  })

  it('joins the marks of words that touch', () => {
    expect(markedHtml('实施<mark>雪松</mark><mark>计划</mark>的<mark>方案</mark>')).toBe('实施<mark>雪松计划</mark>的<mark>方案</mark>')
  })

  it('closes an unbalanced mark and ignores a stray closing one', () => {
    expect(markedHtml('<mark>甲')).toBe('<mark>甲</mark>')
    expect(markedHtml('甲</mark>乙')).toBe('甲乙')
  })
})
