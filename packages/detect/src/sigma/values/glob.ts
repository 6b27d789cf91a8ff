/**
 * @module
 * Wildcard matching for Sigma strings without regular expressions: common shapes become
 * `===`, `startsWith`, `endsWith` or `includes`, and the general case is a left-to-right segment
 * search that runs in O(value × pattern) time, so no pattern can backtrack exponentially.
 */
import { ONE, STAR, type StringPart } from './sigma-string.js';

/** A compiled test of one (already case-folded) string. */
export type StringTest = (value: string) => boolean;

type Segment = readonly (string | typeof ONE)[];

/** Compiles wildcard parts into a string test. Literals must already be in the case the values use. */
export function compileGlob(parts: readonly StringPart[]): StringTest {
  const n = parts.length;
  if (n === 0) return (v) => v === '';
  const first = parts[0];
  const last = parts[n - 1];
  if (n === 1) {
    if (first === STAR) return () => true;
    if (typeof first === 'string') return (v) => v === first;
  }
  if (n === 2 && first === STAR && typeof last === 'string') return (v) => v.endsWith(last);
  if (n === 2 && last === STAR && typeof first === 'string') return (v) => v.startsWith(first);
  if (n === 3 && first === STAR && last === STAR) {
    const mid = parts[1];
    if (typeof mid === 'string') return (v) => v.includes(mid);
  }
  if (n === 3 && typeof first === 'string' && parts[1] === STAR && typeof last === 'string') {
    const min = first.length + last.length;
    return (v) => v.length >= min && v.startsWith(first) && v.endsWith(last);
  }
  return compileGeneral(parts);
}

function compileGeneral(parts: readonly StringPart[]): StringTest {
  // Split on '*' into segments of literal text and '?'.
  const segments: Segment[] = [];
  let cur: (string | typeof ONE)[] = [];
  for (const p of parts) {
    if (p === STAR) {
      segments.push(cur);
      cur = [];
    } else {
      cur.push(p);
    }
  }
  segments.push(cur);
  const anchoredStart = parts[0] !== STAR;
  const anchoredEnd = parts[parts.length - 1] !== STAR;
  const lens = segments.map(segmentLength);
  if (segments.length === 1) {
    const seg = segments[0] as Segment;
    const len = lens[0] as number;
    return (v) => v.length === len && segmentAt(seg, v, 0);
  }
  const head = segments[0] as Segment;
  const tail = segments[segments.length - 1] as Segment;
  const headLen = lens[0] as number;
  const tailLen = lens[lens.length - 1] as number;
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  const middleLens = middle.map(segmentLength);
  return (v) => {
    let pos = 0;
    let limit = v.length;
    if (anchoredStart) {
      if (!segmentAt(head, v, 0)) return false;
      pos = headLen;
    }
    if (anchoredEnd) {
      limit = v.length - tailLen;
      if (limit < pos || !segmentAt(tail, v, limit)) return false;
    }
    for (let i = 0; i < middle.length; i++) {
      const found = findSegment(middle[i] as Segment, middleLens[i] as number, v, pos, limit);
      if (found < 0) return false;
      pos = found + (middleLens[i] as number);
    }
    return true;
  };
}

function segmentLength(seg: Segment): number {
  let n = 0;
  for (const p of seg) n += p === ONE ? 1 : p.length;
  return n;
}

function segmentAt(seg: Segment, v: string, at: number): boolean {
  let pos = at;
  for (const p of seg) {
    if (p === ONE) {
      if (pos >= v.length) return false;
      pos++;
    } else {
      if (!v.startsWith(p, pos)) return false;
      pos += p.length;
    }
  }
  return true;
}

/** Leftmost position >= from where `seg` matches and ends by `limit`, or -1. */
function findSegment(seg: Segment, len: number, v: string, from: number, limit: number): number {
  const lead = seg[0];
  for (let pos = from; pos + len <= limit; pos++) {
    if (typeof lead === 'string') {
      const at = v.indexOf(lead, pos);
      if (at < 0 || at + len > limit) return -1;
      pos = at;
    }
    if (segmentAt(seg, v, pos)) return pos;
  }
  return -1;
}
