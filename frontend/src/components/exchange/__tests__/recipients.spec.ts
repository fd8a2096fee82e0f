import { describe, expect, it } from 'vitest'
import type { ExchangeGroup } from '@/api/types'
import { recipientsOf } from '../recipients'

const group = (code: string, effective: string[]): ExchangeGroup => ({
  id: 1,
  code,
  name: code,
  description: '',
  unit_kinds: [],
  order: 0,
  members: [],
  effective,
})

describe('recipientsOf', () => {
  const groups = [group('district_offices', ['huli', 'jimei', 'siming']), group('bureaus', ['jyj'])]

  it('joins units and the members of the groups picked, each once', () => {
    expect(recipientsOf(['huli', 'jyj'], ['district_offices'], groups, 'xmgov')).toEqual(['huli', 'jimei', 'jyj', 'siming'])
  })

  it('leaves the sending unit out', () => {
    expect(recipientsOf(['siming'], ['district_offices'], groups, 'siming')).toEqual(['huli', 'jimei'])
  })

  it('is empty when nothing is picked', () => {
    expect(recipientsOf([], [], groups, 'siming')).toEqual([])
  })
})
