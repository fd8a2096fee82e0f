/**
 * HTML the document pages put into the DOM: the body (正文) and search highlights.
 *
 * The backend is the guarantee (the body is sanitised with nh3 when saved, search snippets
 * are escaped except for <mark>); these functions make the browser side hold the same line,
 * so a body that reached the database some other way (an import) or a future backend slip
 * cannot run script in a reader's session.
 */

/** The body's allow-list; the same tags as oa/documents/sanitising.py. */
const ALLOWED = new Set([
  'P', 'BR', 'SPAN', 'STRONG', 'B', 'EM', 'I', 'U', 'S', 'SUB', 'SUP', 'BLOCKQUOTE', 'HR',
  'H1', 'H2', 'H3', 'H4', 'OL', 'UL', 'LI',
  'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD',
])
/** Removed together with what is inside them (other unknown tags are unwrapped). */
const DROPPED = new Set([
  'SCRIPT', 'STYLE', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'SVG', 'MATH',
  'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'SELECT', 'TITLE', 'XMP', 'NOEMBED', 'NOFRAMES', 'HEAD', 'META', 'LINK',
])
const ALIGNABLE = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'TD', 'TH', 'LI'])
const ALIGN = /text-align\s*:\s*(left|center|right|justify)/i
const SPAN_VALUE = /^[1-9][0-9]?$/

function cleanChildren(source: Node, target: Node, doc: Document) {
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === 3) {
      target.appendChild(doc.createTextNode(child.textContent ?? ''))
      continue
    }
    if (child.nodeType !== 1) continue // comments, processing instructions
    const el = child as Element
    const tag = el.tagName.toUpperCase()
    if (DROPPED.has(tag)) continue
    if (!ALLOWED.has(tag)) {
      cleanChildren(el, target, doc) // unwrap: keep the text
      continue
    }
    const copy = doc.createElement(tag.toLowerCase())
    if (ALIGNABLE.has(tag)) {
      const align = ALIGN.exec(el.getAttribute('style') ?? '')?.[1] ?? (el.getAttribute('align') || '')
      if (/^(left|center|right|justify)$/i.test(align)) copy.setAttribute('style', `text-align: ${align.toLowerCase()}`)
    }
    if (tag === 'TD' || tag === 'TH') {
      for (const name of ['colspan', 'rowspan']) {
        const value = el.getAttribute(name)?.trim()
        if (value && SPAN_VALUE.test(value)) copy.setAttribute(name, value)
      }
    }
    cleanChildren(el, copy, doc)
    target.appendChild(copy)
  }
}

/** The body HTML with only the allow-listed tags and attributes (text-align, colspan, rowspan). */
export function cleanBodyHtml(html: string): string {
  if (!html) return ''
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html')
  const out = document.implementation.createHTMLDocument('')
  const root = out.createElement('div')
  cleanChildren(parsed.body, root, out)
  return root.innerHTML
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * Plain text as body paragraphs: each non-empty line one <p> (pasted text, a line per
 * paragraph as in 公文); leading full-width or ASCII indentation is dropped, the sheet indents.
 */
export function textToParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/^[\s\u3000]+/, '').replace(/\s+$/, ''))
    .filter((line) => line.length > 0)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('')
}

/** Whether the body holds any text (an empty editor leaves <p><br></p> behind). */
export function hasText(html: string): boolean {
  return html.replace(/<[^>]*>/g, '').replace(/&nbsp;|\u00a0|\s/g, '').length > 0
}

/**
 * A search snippet (the backend's escaped text with <mark> around hits) ready for v-html:
 * <mark> and </mark> are kept, any other angle bracket is escaped, so nothing but the
 * highlight can become markup whatever the string holds.
 */
export function markedHtml(snippet: string): string {
  const OPEN = '\u0000'
  const CLOSE = '\u0001'
  const held = snippet
    .replace(/[\u0000\u0001]/g, '')
    .replace(/<mark>/gi, OPEN)
    .replace(/<\/mark>/gi, CLOSE)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
  // An unbalanced mark must not swallow the rest of the page's markup.
  let open = false
  let out = ''
  for (const ch of held) {
    if (ch === OPEN) {
      if (!open) out += '<mark>'
      open = true
    } else if (ch === CLOSE) {
      if (open) out += '</mark>'
      open = false
    } else {
      out += ch
    }
  }
  // Words the backend marks one by one (雪松 / 计划) read as one highlight when they touch.
  return (open ? `${out}</mark>` : out).replace(/<\/mark><mark>/g, '')
}
