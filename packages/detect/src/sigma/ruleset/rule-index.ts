/**
 * @module
 * The rule index: compiled rule variants grouped by dispatch keys (channel, format, event id),
 * and per event signature a bucket (`bucket.ts`) with literal scanners over the literals its
 * rules need. An event only evaluates the rules of its bucket whose prefilter literals occur in it.
 */
import type { EventView, FieldStrings } from '../compile/event-view.js';
import type { FieldCondition } from '../logsource/mapping.js';
import { Bucket, type IndexedVariant, type ScannerCache } from './bucket.js';
import type { CompiledRule } from './types.js';

export type { IndexedVariant } from './bucket.js';

const EXISTS = '\u0001exists';
const ANY = '*';
const MAX_BUCKETS = 4096;

/** One level of the bucket cache: a dispatch field's scalar values, and its lists (as JSON). */
interface DispatchNode {
  readonly values: Map<unknown, DispatchNode | Bucket>;
  lists?: Map<unknown, DispatchNode | Bucket>;
}

function newNode(): DispatchNode {
  return { values: new Map() };
}

function values(v: FieldStrings): readonly string[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'string' ? [v] : v;
}

/** Dispatches events to buckets of candidate variants. */
export class RuleIndex {
  private readonly dispatch: readonly string[];
  /** primary field → value (or EXISTS) → secondary key (or ANY) → variants. */
  private readonly keyed = new Map<string, Map<string, Map<string, IndexedVariant[]>>>();
  private readonly unkeyed: IndexedVariant[] = [];
  private root = newNode();
  private bucketTotal = 0;
  private readonly scanners: ScannerCache = new Map();
  private readonly primaryFields: string[] = [];
  private readonly ruleCount: number;

  constructor(variants: readonly IndexedVariant[], dispatch: readonly string[], ruleCount: number) {
    this.dispatch = dispatch;
    this.ruleCount = ruleCount;
    for (const v of variants) this.add(v);
  }

  private add(v: IndexedVariant): void {
    let primary: string | undefined;
    for (const f of this.dispatch) {
      const c = v.dispatch.get(f);
      if (c !== undefined && c !== '*') {
        primary = f;
        break;
      }
    }
    if (primary === undefined) primary = this.dispatch.find((f) => v.dispatch.get(f) === '*');
    if (primary === undefined) {
      this.unkeyed.push(v);
      return;
    }
    if (!this.primaryFields.includes(primary)) this.primaryFields.push(primary);
    const pc = v.dispatch.get(primary) as FieldCondition;
    let secondary: [string, ReadonlySet<string>] | undefined;
    for (const f of this.dispatch) {
      if (f === primary) continue;
      const c = v.dispatch.get(f);
      if (c !== undefined && c !== '*') {
        secondary = [f, c];
        break;
      }
    }
    let byValue = this.keyed.get(primary);
    if (!byValue) this.keyed.set(primary, (byValue = new Map()));
    for (const value of pc === '*' ? [EXISTS] : pc) {
      let bySecondary = byValue.get(value);
      if (!bySecondary) byValue.set(value, (bySecondary = new Map()));
      const keys = secondary ? [...secondary[1]].map((s) => `${secondary[0]}\u0000${s}`) : [ANY];
      for (const k of keys) {
        const list = bySecondary.get(k);
        if (list) list.push(v);
        else bySecondary.set(k, [v]);
      }
    }
  }

  /** Rules matching the event. */
  match(ev: EventView): CompiledRule[] {
    // The dispatch fields' raw values lead to the bucket through one map per field: exact keys
    // (4688 and "4688", an array and a string are different keys), no string built per event.
    let node = this.root;
    const dispatch = this.dispatch;
    const last = dispatch.length - 1;
    let bucket: Bucket | undefined;
    for (let d = 0; d <= last; d++) {
      const v = ev.raw(dispatch[d] as string);
      const isList = v !== null && typeof v === 'object';
      const map = isList ? (node.lists ??= new Map()) : node.values;
      const key = isList ? JSON.stringify(v) : v;
      const next = map.get(key);
      if (d === last) {
        bucket = next as Bucket | undefined;
        if (!bucket) {
          if (this.bucketTotal >= MAX_BUCKETS) {
            this.root = newNode();
            this.bucketTotal = 0;
            this.scanners.clear();
            return this.match(ev);
          }
          bucket = this.buildBucket(ev);
          map.set(key, bucket);
          this.bucketTotal++;
        }
      } else {
        if (!next) map.set(key, (node = newNode()));
        else node = next as DispatchNode;
      }
    }
    const out: CompiledRule[] = [];
    (bucket as Bucket).match(ev, out);
    return out;
  }

  private buildBucket(ev: EventView): Bucket {
    const picked = new Set<IndexedVariant>(this.unkeyed);
    for (const f of this.primaryFields) {
      const byValue = this.keyed.get(f);
      const present = ev.lower(f);
      if (!byValue || present === undefined) continue;
      const keys = [...values(present), EXISTS];
      for (const key of keys) {
        const bySecondary = byValue.get(key);
        if (!bySecondary) continue;
        for (const v of bySecondary.get(ANY) ?? []) picked.add(v);
        for (const f2 of this.dispatch) {
          for (const v2 of values(ev.lower(f2)))
            for (const v of bySecondary.get(`${f2}\u0000${v2}`) ?? []) picked.add(v);
        }
      }
    }
    return new Bucket(
      [...picked].sort((a, b) => a.order - b.order),
      this.ruleCount,
      this.scanners,
      this.dispatch,
    );
  }

  /** Number of distinct event signatures seen (buckets built). */
  get bucketCount(): number {
    return this.bucketTotal;
  }
}
