import { useI18n } from 'vue-i18n'

/** The figures summed over a period (the rest, 用户数, is a level). */
export const FLOWS = [
  'logins',
  'exchange_sent',
  'exchange_received',
  'meeting_notices',
  'documents_received',
  'documents_sent',
  'notices',
] as const

export function useStatsLabels() {
  const { t } = useI18n()
  return { figure: (key: string) => t(`stats.flow.${key}`) }
}

/** A period's start as a short label: 第 n 周 is ambiguous across years, so weeks show their Monday. */
export function periodLabel(start: string, period: 'week' | 'month'): string {
  return period === 'month' ? start.slice(0, 7) : start.slice(5)
}
