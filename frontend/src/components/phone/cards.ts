/** What a card shows: the list's title, 文号, state and deadline (any may be missing). */
export interface CardFields {
  key: string | number
  title: string
  number?: string | null
  state?: string | null
  stateType?: 'primary' | 'success' | 'warning' | 'danger' | 'info'
  /** The deadline (or the date that matters for this list), already formatted. */
  deadline?: string | null
  deadlineLabel?: string
  /** One more muted line (step, sender …). */
  meta?: string | null
}

