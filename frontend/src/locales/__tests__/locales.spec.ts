import { describe, expect, it } from 'vitest'

type Tree = { [key: string]: Tree | string }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
  )
}

function load(files: Record<string, unknown>): string[] {
  return Object.entries(files)
    .flatMap(([path, tree]) => keys(tree as Tree, `${path.replace(/^.*\/([^/]+)\.json$/, '$1')}.`))
    .sort()
}

describe('locale files', () => {
  it('zh-CN and en define the same keys', () => {
    const zh = load(import.meta.glob('../zh-CN/*.json', { eager: true, import: 'default' }))
    const en = load(import.meta.glob('../en/*.json', { eager: true, import: 'default' }))
    expect(zh.length).toBeGreaterThan(100)
    expect(en).toEqual(zh)
  })
})
