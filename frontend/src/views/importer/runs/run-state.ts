import type { ImporterFieldOption, ImportRun, QuarantineDetail } from '@/api/types'

/** Which step of the page a run is at (0 upload … 3 result). */
export function stepOf(run: ImportRun | null): number {
  if (!run) return 0
  if (run.dry_run) return run.state === 'done' ? 2 : 1
  return run.state === 'done' ? 4 : 3
}

export function isFinished(run: ImportRun): boolean {
  return run.state === 'done' || run.state === 'refused' || run.state === 'failed'
}

/** 0–100 from done/total; a finished run is full, an unknown total shows nothing yet. */
export function percentOf(run: ImportRun): number {
  if (run.state === 'done') return 100
  if (!run.total) return 0
  return Math.min(100, Math.floor(((run.done ?? 0) / run.total) * 100))
}

/**
 * The fields a fix form starts with: those the problems name (missing title, a date that could
 * not be read, ...), in the order of the field catalogue, then any the admin fixed before.
 */
export function fieldsToFix(item: QuarantineDetail, catalogue: ImporterFieldOption[]): string[] {
  const named = new Set<string>()
  for (const p of item.problems ?? []) if (p.field) named.add(p.field)
  const fixes = (item.fixes ?? {}) as { fields?: Record<string, string> }
  for (const name of Object.keys(fixes.fields ?? {})) named.add(name)
  return catalogue.map((f) => f.name).filter((name) => named.has(name))
}
