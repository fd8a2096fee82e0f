import { describe, expect, it } from 'vitest'
import type { Department } from '@/api/types'
import { buildDepartmentTree, departmentPath, descendantIds } from '../tree'

const dept = (id: number, name: string, parent: number | null, order = 0): Department => ({
  id,
  name,
  code: `d${id}`,
  parent,
  order,
})

describe('buildDepartmentTree', () => {
  it('nests departments under their parents and sorts siblings by order', () => {
    const tree = buildDepartmentTree([
      dept(3, '综合科', 1, 20),
      dept(1, '办公室', null, 10),
      dept(2, '秘书科', 1, 10),
      dept(4, '财务处', null, 5),
    ])

    expect(tree.map((n) => n.name)).toEqual(['财务处', '办公室'])
    const office = tree[1]!
    expect(office.children.map((n) => n.name)).toEqual(['秘书科', '综合科'])
    expect(office.level).toBe(0)
    expect(office.children[0]!.level).toBe(1)
  })

  it('breaks order ties by name so the tree is stable', () => {
    const tree = buildDepartmentTree([dept(1, '乙', null), dept(2, '甲', null)])
    expect(tree.map((n) => n.name)).toEqual(['甲', '乙'])
  })

  it('keeps a department whose parent is missing at the top level', () => {
    const tree = buildDepartmentTree([dept(1, '办公室', null), dept(5, '孤立科室', 99)])
    expect(tree.map((n) => n.id).sort()).toEqual([1, 5])
  })

  it('does not loop on a cycle and loses no department', () => {
    const tree = buildDepartmentTree([dept(1, 'A', 2), dept(2, 'B', 1), dept(3, 'C', 3)])
    const all: number[] = []
    const walk = (nodes: typeof tree) => nodes.forEach((n) => (all.push(n.id), walk(n.children)))
    walk(tree)
    expect(all.sort()).toEqual([1, 2, 3])
  })

  it('does not mutate its input', () => {
    const input = [dept(1, '办公室', null), dept(2, '秘书科', 1)]
    const copy = JSON.parse(JSON.stringify(input))
    buildDepartmentTree(input)
    expect(input).toEqual(copy)
  })
})

describe('descendantIds', () => {
  it('returns the department and everything below it', () => {
    const list = [dept(1, 'A', null), dept(2, 'B', 1), dept(3, 'C', 2), dept(4, 'D', null)]
    expect([...descendantIds(list, 1)].sort()).toEqual([1, 2, 3])
    expect([...descendantIds(list, 4)]).toEqual([4])
  })
})

describe('departmentPath', () => {
  it('joins the names from the top', () => {
    const list = [dept(1, '办公室', null), dept(2, '秘书科', 1)]
    expect(departmentPath(list, 2)).toBe('办公室 / 秘书科')
    expect(departmentPath(list, null)).toBe('')
  })
})
