/** A template version's content as text: BPMN XML indented, JSON pretty-printed. */
export function prettyXml(xml: string): string {
  const compact = xml.replace(/>\s+</g, '><').trim()
  let depth = 0
  const out: string[] = []
  for (const token of compact.split(/(?=<)|(?<=>)/)) {
    if (!token) continue
    if (token.startsWith('</')) {
      depth = Math.max(depth - 1, 0)
      out.push('  '.repeat(depth) + token)
    } else if (token.startsWith('<') && !token.endsWith('/>') && !token.startsWith('<?') && !token.startsWith('<!')) {
      out.push('  '.repeat(depth) + token)
      depth++
    } else {
      out.push('  '.repeat(depth) + token)
    }
  }
  // <a>text</a> back on one line
  return out
    .join('\n')
    .replace(/(<[^/!?](?:[^>]*[^/])?>)\n\s*([^<\s][^<]*)\n\s*(<\/)/g, '$1$2$3')
}

export function contentText(kind: string, content: unknown, text?: string): string {
  if (kind === 'flow') {
    const xml = typeof content === 'string' ? content : (text ?? '')
    return prettyXml(xml)
  }
  if (text) return text
  return JSON.stringify(content ?? null, null, 2)
}
