/**
 * @module
 * Time ranges of the search and overview: relative presets (`15m` … `30d`, `all`) kept in the
 * URL, and absolute ranges from the picker's date-time fields.
 */

/** A relative preset or an absolute range. */
export type TimeRange =
  | { readonly kind: 'relative'; readonly preset: RangePreset }
  | { readonly kind: 'absolute'; readonly from: number; readonly to: number };

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d', '30d', 'all'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const PRESET_MS: Readonly<Record<Exclude<RangePreset, 'all'>, number>> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

const LABELS: Readonly<Record<RangePreset, string>> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  all: 'All time',
};

/** Human label of a range. */
export function rangeLabel(r: TimeRange): string {
  if (r.kind === 'relative') return LABELS[r.preset];
  return `${new Date(r.from).toISOString().slice(0, 16).replace('T', ' ')} – ${new Date(r.to).toISOString().slice(0, 16).replace('T', ' ')}`;
}

/**
 * Concrete bounds at `now`. `all` has no lower bound; for the histogram it is clamped to the
 * data's oldest event by the caller (`oldest`), else to 30 days.
 */
export function resolveRange(r: TimeRange, now: number, oldest?: number): { from: number; to: number } {
  if (r.kind === 'absolute') return { from: r.from, to: r.to };
  if (r.preset === 'all') return { from: oldest ?? now - PRESET_MS['30d'], to: now };
  return { from: now - PRESET_MS[r.preset], to: now };
}

/** URL form: a preset name or `from~to` in epoch ms. */
export function encodeRange(r: TimeRange): string {
  return r.kind === 'relative' ? r.preset : `${r.from}~${r.to}`;
}

/** Parses the URL form; falls back to `fallback` for anything else. */
export function decodeRange(s: string | null, fallback: TimeRange): TimeRange {
  if (s === null) return fallback;
  if ((RANGE_PRESETS as readonly string[]).includes(s)) return { kind: 'relative', preset: s as RangePreset };
  const m = /^(\d{1,15})~(\d{1,15})$/.exec(s);
  if (m) {
    const from = Number(m[1]);
    const to = Number(m[2]);
    if (from <= to) return { kind: 'absolute', from, to };
  }
  return fallback;
}

/** Value for an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Parses an `<input type="datetime-local">` value (local time); undefined when empty or invalid. */
export function fromLocalInput(v: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return undefined;
  const t = new Date(v).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** A bucket count that gives readable bars for a range (one bar per minute … per day). */
export function bucketsFor(from: number, to: number): number {
  const span = Math.max(1, to - from);
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 3 * 3_600_000, 86_400_000];
  for (const step of steps) if (span / step <= 120) return Math.max(1, Math.ceil(span / step));
  return 120;
}
