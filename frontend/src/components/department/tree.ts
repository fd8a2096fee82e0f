import type { Department, Id } from '@/api/types'

export { parentOf, orderOf }

export interface DepartmentNode extends Department {
  children: DepartmentNode[]
  /** Depth from the root, 0 for top-level departments. */
  level: number
}

/** The schema marks `parent`/`order` optional; the backend always sends them. */
const parentOf = (d: Department): Id | null => d.parent ?? null
const orderOf = (d: Department): number => d.order ?? 0

function byOrder(a: Department, b: Department): number {
  return orderOf(a) - orderOf(b) || a.name.localeCompare(b.name, 'zh-CN') || Number(a.id) - Number(b.id)
}

/**
 * Build the org tree from the API's flat list (each row names its parent id).
 * Siblings are sorted by `order`, then name. A row whose parent is missing
 * (or that would close a cycle) is shown at the top level rather than lost.
 */
export function buildDepartmentTree(departments: readonly Department[]): DepartmentNode[] {
  const nodes = new Map<Id, DepartmentNode>()
  for (const d of departments) nodes.set(d.id, { ...d, children: [], level: 0 })

  const roots: DepartmentNode[] = []
  for (const node of nodes.values()) {
    const parentId = parentOf(node)
    const parent = parentId === null ? undefined : nodes.get(parentId)
    if (parent && !isAncestor(node, parent, nodes)) parent.children.push(node)
    else roots.push(node)
  }

  const sortAndLevel = (list: DepartmentNode[], level: number) => {
    list.sort(byOrder)
    for (const n of list) {
      n.level = level
      sortAndLevel(n.children, level + 1)
    }
  }
  sortAndLevel(roots, 0)
  return roots
}

/** Would hanging `node` under `parent` make a loop (node is parent's ancestor)? */
function isAncestor(
  node: DepartmentNode,
  parent: DepartmentNode,
  nodes: Map<Id, DepartmentNode>,
): boolean {
  const seen = new Set<Id>()
  let current: DepartmentNode | undefined = parent
  while (current) {
    if (current.id === node.id) return true
    if (seen.has(current.id)) return true
    seen.add(current.id)
    const next = parentOf(current)
    current = next === null ? undefined : nodes.get(next)
  }
  return false
}

/** Ids of a department and everything below it (a department cannot move under itself). */
export function descendantIds(departments: readonly Department[], rootId: Id): Set<Id> {
  const children = new Map<Id, Id[]>()
  for (const d of departments) {
    const parent = parentOf(d)
    if (parent === null) continue
    const list = children.get(parent) ?? []
    list.push(d.id)
    children.set(parent, list)
  }
  const out = new Set<Id>([rootId])
  const stack = [rootId]
  while (stack.length) {
    const id = stack.pop()!
    for (const child of children.get(id) ?? []) {
      if (!out.has(child)) {
        out.add(child)
        stack.push(child)
      }
    }
  }
  return out
}

/** "办公室 / 综合科" style path of a department, for tables and pickers. */
export function departmentPath(
  departments: readonly Department[],
  id: Id | null | undefined,
): string {
  if (id === null || id === undefined) return ''
  const byId = new Map(departments.map((d) => [d.id, d]))
  const names: string[] = []
  const seen = new Set<Id>()
  let current = byId.get(id)
  while (current && !seen.has(current.id)) {
    seen.add(current.id)
    names.unshift(current.name)
    const next = parentOf(current)
    current = next === null ? undefined : byId.get(next)
  }
  return names.join(' / ')
}
