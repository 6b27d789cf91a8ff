/**
 * @module
 * Pure helpers of the cascade view: the state of each entity at a moment of the timeline, the
 * moments worth stopping at, and hours in words.
 */

/** State of an entity at a moment: down already, going down later, or not affected. */
export type CascadeState = 'failed' | 'pending' | 'alive';

/** State of every entity of a timeline at `hours` after the seeds failed. */
export function statesAt(
  timeline: readonly { readonly id: string; readonly at: number }[],
  hours: number,
): Map<string, CascadeState> {
  const out = new Map<string, CascadeState>();
  for (const f of timeline) out.set(f.id, f.at <= hours + 1e-9 ? 'failed' : 'pending');
  return out;
}

/** The distinct failure times of a timeline, ascending: the stops of the time slider. */
export function moments(timeline: readonly { readonly at: number }[]): number[] {
  return [...new Set(timeline.map((f) => f.at))].sort((a, b) => a - b);
}

/** Hours as a person reads them: `at once`, `+45 min`, `+4.5 h`, `+2 d 3 h`. */
export function hoursText(h: number): string {
  if (h <= 0) return 'at once';
  if (h < 1) return `+${Math.round(h * 60)} min`;
  if (h < 48) return `+${Math.round(h * 100) / 100} h`;
  const d = Math.floor(h / 24);
  return `+${d} d ${Math.round(h - d * 24)} h`;
}
