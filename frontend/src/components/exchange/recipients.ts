import type { ExchangeGroup } from '@/api/types'

/**
 * The units a send reaches: those picked by name plus every member of the groups picked, each
 * once, without the sending unit (the hub does the same; this is the preview).
 */
export function recipientsOf(units: string[], groupCodes: string[], groups: ExchangeGroup[], self: string): string[] {
  const chosen = new Set(units)
  for (const group of groups) {
    if (groupCodes.includes(group.code)) for (const code of group.effective) chosen.add(code)
  }
  chosen.delete(self)
  return [...chosen].sort()
}
