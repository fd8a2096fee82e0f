import { currentLocale } from '.'

const pad = (n: number) => String(n).padStart(2, '0')

/** 2024-05-01 09:30 in local time; '—' for empty values. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** A module / permission / kind carries name (Chinese) and name_en; pick by UI language. */
export function localName(item: { name: string; name_en?: string | null }): string {
  return currentLocale() === 'en' && item.name_en ? item.name_en : item.name
}
