/**
 * @module
 * The builder's index from link keys to the open incidents that touched them, with the time of
 * the last touch. Most keys belong to one incident, so an entry is a single slot until a second
 * incident shares the key; sweeps drop slots older than the window in place. Merged incidents
 * are resolved to the incident they ended up in.
 */
import type { IncidentState } from './state.js';

interface Slot {
  inc: IncidentState;
  /** First and last time the incident touched the key. */
  first: number;
  seen: number;
}

/**
 * True when `time` falls within `within` of the span the slot was touched in. A span, not just
 * the last touch: alerts arrive out of order (correlations are emitted late, parallel parse
 * threads commit in turns), and a late alert from the middle of an active story still belongs.
 */
function fresh(s: Slot, time: number, within: number): boolean {
  return time >= s.first - within && time <= s.seen + within;
}

const NONE: readonly IncidentState[] = Object.freeze([]);

/** Keys → open incidents. */
export class KeyIndex {
  private readonly map = new Map<string, Slot | Slot[]>();

  /** Number of keys held. */
  get size(): number {
    return this.map.size;
  }

  /** Incidents that touched `key` within `within` ms of `time` (merged ones resolved, no repeats). */
  lookup(key: string, time: number, within: number): readonly IncidentState[] {
    const e = this.map.get(key);
    if (e === undefined) return NONE;
    if (!Array.isArray(e)) return fresh(e, time, within) ? [e.inc.root()] : NONE;
    const out: IncidentState[] = [];
    for (const s of e) {
      if (!fresh(s, time, within)) continue;
      const r = s.inc.root();
      if (!out.includes(r)) out.push(r);
    }
    return out;
  }

  /** Of `incs`, the one that touched `key` last. */
  latest(key: string, incs: readonly IncidentState[]): IncidentState | undefined {
    if (incs.length <= 1) return incs[0];
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    let best: IncidentState | undefined;
    let bestSeen = Number.NEGATIVE_INFINITY;
    for (const s of Array.isArray(e) ? e : [e]) {
      const r = s.inc.root();
      if (incs.includes(r) && s.seen > bestSeen) {
        best = r;
        bestSeen = s.seen;
      }
    }
    return best;
  }

  /** Records that `inc` touched `key` at `time`. */
  touch(key: string, inc: IncidentState, time: number): void {
    const e = this.map.get(key);
    if (e === undefined) {
      this.map.set(key, { inc, first: time, seen: time });
      return;
    }
    if (!Array.isArray(e)) {
      if (e.inc === inc || e.inc.root() === inc) {
        e.inc = inc;
        if (time > e.seen) e.seen = time;
        if (time < e.first) e.first = time;
      } else this.map.set(key, [e, { inc, first: time, seen: time }]);
      return;
    }
    for (const s of e) {
      if (s.inc === inc || s.inc.root() === inc) {
        s.inc = inc;
        if (time > s.seen) s.seen = time;
        if (time < s.first) s.first = time;
        return;
      }
    }
    e.push({ inc, first: time, seen: time });
  }

  /** Drops slots last touched before `horizon`; slots of merged incidents move to the survivor. */
  sweep(horizon: number): void {
    for (const [key, e] of this.map) {
      if (!Array.isArray(e)) {
        if (e.seen < horizon) this.map.delete(key);
        else if (e.inc.parent !== undefined) e.inc = e.inc.root();
        continue;
      }
      let n = 0;
      for (const s of e) {
        if (s.seen < horizon) continue;
        const r = s.inc.root();
        let dup: Slot | undefined;
        for (let i = 0; i < n; i++) if ((e[i] as Slot).inc === r) dup = e[i];
        if (dup) {
          dup.seen = Math.max(dup.seen, s.seen);
          dup.first = Math.min(dup.first, s.first);
        } else {
          s.inc = r;
          e[n++] = s;
        }
      }
      e.length = n;
      if (n === 0) this.map.delete(key);
      else if (n === 1) this.map.set(key, e[0] as Slot);
    }
  }

  /** Drops every slot of `inc` (and of incidents merged into it). */
  forget(inc: IncidentState): void {
    for (const [key, e] of this.map) {
      const kept = (Array.isArray(e) ? e : [e]).filter((s) => s.inc.root() !== inc);
      if (kept.length === 0) this.map.delete(key);
      else this.map.set(key, kept.length === 1 ? (kept[0] as Slot) : kept);
    }
  }
}
