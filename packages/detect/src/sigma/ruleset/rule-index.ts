/**
 * @module
 * The rule index: compiled rule variants grouped by dispatch keys (channel, format, event id),
 * and per event signature a bucket with a literal scanner over the literals its rules need.
 * An event only evaluates the rules of its bucket whose prefilter literals occur in it.
 */
import type { EventView, FieldStrings } from '../compile/event-view.js';
import type { Predicate } from '../compile/item.js';
import type { Requirement } from '../compile/requirements.js';
import type { FieldCondition } from '../logsource/mapping.js';
import { LiteralScanner } from './literal-scanner.js';
import type { CompiledRule } from './types.js';

/** A compiled variant: one rule under one logsource alternative. */
export interface IndexedVariant {
  readonly order: number;
  readonly rule: CompiledRule;
  readonly ruleOrder: number;
  readonly when: readonly (readonly [string, FieldCondition])[];
  /** Logsource conditions merged with the detection's own equality constraints, for dispatch. */
  readonly dispatch: ReadonlyMap<string, FieldCondition>;
  readonly test: Predicate;
  readonly req: Requirement;
}

const EXISTS = '\u0001exists';
const ANY = '*';
const MAX_BUCKETS = 4096;
/** Buckets with at most this many variants evaluate them all instead of scanning literals. */
const SCAN_THRESHOLD = 12;
/** Scratch buffer for found literal indexes (the engine is single-threaded per instance). */
const FOUND = new Int32Array(8192);

function values(v: FieldStrings): readonly string[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'string' ? [v] : v;
}

function whenHolds(when: IndexedVariant['when'], ev: EventView): boolean {
  for (const [field, cond] of when) {
    const v = ev.lower(field);
    if (v === undefined) return false;
    if (cond === '*') continue;
    if (v === null) return false;
    if (typeof v === 'string') {
      if (!cond.has(v)) return false;
    } else if (!v.some((x) => cond.has(x))) return false;
  }
  return true;
}

/** Variants that share a dispatch signature, with their prefilter. */
class Bucket {
  private readonly variants: readonly IndexedVariant[];
  private readonly always: Uint8Array;
  private readonly stamp: Uint32Array;
  private epoch = 0;
  /** One scanner over every literal of the bucket; each field is scanned once. */
  private readonly scanner: LiteralScanner | undefined;
  /** field → literal index → variants needing that literal in that field. */
  private readonly fieldTargets = new Map<string, (number[] | undefined)[]>();
  /** literal index → variants needing it in any field (keyword search). */
  private readonly anyTargets: (number[] | undefined)[] | undefined;
  /** Only the keyword literals, for the fields no field-bound literal needs. */
  private readonly keywordScanner: LiteralScanner | undefined;
  private keywordLiteralIndex: Int32Array = new Int32Array(0);
  private readonly seenRule: Uint32Array;
  /** Indexes of variants without a prefilter requirement. */
  private readonly alwaysList: readonly number[];
  /** Scratch list of candidate variants of the current event. */
  private candidates: number[] = [];
  private readonly allOrder: readonly number[];
  private overflow = false;

  constructor(variants: readonly IndexedVariant[], ruleCount: number) {
    this.variants = variants;
    this.always = new Uint8Array(variants.length);
    this.stamp = new Uint32Array(variants.length);
    this.seenRule = new Uint32Array(ruleCount);
    const literalIndex = new Map<string, number>();
    const targets = new Map<string, Map<number, number[]>>();
    variants.forEach((v, i) => {
      if (v.req === undefined) {
        this.always[i] = 1;
        return;
      }
      for (const need of v.req) {
        let li = literalIndex.get(need.lit);
        if (li === undefined) literalIndex.set(need.lit, (li = literalIndex.size));
        let byLit = targets.get(need.field);
        if (!byLit) targets.set(need.field, (byLit = new Map()));
        const list = byLit.get(li);
        if (!list) byLit.set(li, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    if (literalIndex.size > 0) this.scanner = new LiteralScanner([...literalIndex.keys()]);
    this.alwaysList = variants.map((_, i) => i).filter((i) => this.always[i] === 1);
    this.allOrder = variants.map((_, i) => i);
    const dense = (m: Map<number, number[]>): (number[] | undefined)[] => {
      const arr = new Array<number[] | undefined>(literalIndex.size);
      for (const [li, list] of m) arr[li] = list;
      return arr;
    };
    for (const [field, m] of targets) {
      if (field === '*') this.anyTargets = dense(m);
      else this.fieldTargets.set(field, dense(m));
    }
    const keyword = targets.get('*');
    if (keyword) {
      const all = [...literalIndex.keys()];
      const ids = [...keyword.keys()];
      this.keywordScanner = new LiteralScanner(ids.map((i) => all[i] as string));
      this.keywordLiteralIndex = Int32Array.from(ids);
    }
  }

  private nextEpoch(): number {
    if (this.epoch >= 0xfffffff0) {
      // Stamps are 32-bit: start over long before they wrap.
      this.epoch = 0;
      this.stamp.fill(0);
      this.seenRule.fill(0);
    }
    return ++this.epoch;
  }

  private mark(field: string, found: Int32Array, n: number, epoch: number): void {
    const own = this.fieldTargets.get(field);
    const any = this.anyTargets;
    const stamp = this.stamp;
    if (n === found.length) {
      // A full buffer means literals may have been missed: evaluate everything rather than guess.
      this.overflow = true;
      return;
    }
    const cand = this.candidates;
    for (let k = 0; k < n; k++) {
      const li = found[k] as number;
      const a = own?.[li];
      if (a)
        for (const vi of a)
          if (stamp[vi] !== epoch) {
            stamp[vi] = epoch;
            cand.push(vi);
          }
      const b = any?.[li];
      if (b)
        for (const vi of b)
          if (stamp[vi] !== epoch) {
            stamp[vi] = epoch;
            cand.push(vi);
          }
    }
  }

  private scanField(ev: EventView, field: string, epoch: number, keywordsOnly = false): void {
    const v = ev.lower(field);
    if (v === undefined || v === null) return;
    const scanner = (keywordsOnly ? this.keywordScanner : this.scanner) as LiteralScanner;
    const found = FOUND;
    let n = 0;
    if (typeof v === 'string') n = scanner.scan(v, found, 0);
    else for (const text of v) n = scanner.scan(text, found, n);
    if (n === 0) return;
    if (keywordsOnly) for (let k = 0; k < n; k++) found[k] = this.keywordLiteralIndex[found[k] as number] as number;
    this.mark(field, found, n, epoch);
  }

  /** Rules of this bucket that match the event, in rule order. */
  match(ev: EventView, out: CompiledRule[]): void {
    const epoch = this.nextEpoch();
    // Scanning costs about as much as evaluating a handful of rules: small buckets skip it.
    if (this.scanner && this.variants.length > SCAN_THRESHOLD) {
      for (const field of this.fieldTargets.keys()) this.scanField(ev, field, epoch);
      if (this.keywordScanner) {
        // Keyword literals may be in any field: the other fields get the (small) keyword scanner.
        for (const name of ev.fieldNames()) if (!this.fieldTargets.has(name)) this.scanField(ev, name, epoch, true);
      }
    }
    const variants = this.variants;
    let order: readonly number[];
    if (this.overflow) {
      order = variants.map((_, k) => k);
    } else if (this.variants.length <= SCAN_THRESHOLD) {
      order = this.allOrder;
    } else {
      const cand = this.candidates;
      for (const k of this.alwaysList) cand.push(k);
      // Rule order keeps output deterministic; candidate lists are short.
      order = cand.length > 1 ? cand.sort((a, b) => a - b) : cand;
    }
    for (const i of order) {
      const v = variants[i] as IndexedVariant;
      if (this.seenRule[v.ruleOrder] === epoch) continue;
      if (!whenHolds(v.when, ev) || !v.test(ev)) continue;
      this.seenRule[v.ruleOrder] = epoch;
      out.push(v.rule);
    }
    this.candidates = [];
    this.overflow = false;
  }

  get size(): number {
    return this.variants.length;
  }
}

/** Dispatches events to buckets of candidate variants. */
export class RuleIndex {
  private readonly dispatch: readonly string[];
  /** primary field → value (or EXISTS) → secondary key (or ANY) → variants. */
  private readonly keyed = new Map<string, Map<string, Map<string, IndexedVariant[]>>>();
  private readonly unkeyed: IndexedVariant[] = [];
  private readonly buckets = new Map<string, Bucket>();
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
    // Raw values key the bucket cache; case variants of one channel just get separate entries.
    let sig = '';
    for (const f of this.dispatch) {
      const v = ev.raw(f);
      sig += `${v === undefined ? '\u0002' : v === null ? '\u0003' : typeof v === 'object' ? v.join('\u0004') : String(v)}\u0000`;
    }
    let bucket = this.buckets.get(sig);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      bucket = this.buildBucket(ev);
      this.buckets.set(sig, bucket);
    }
    const out: CompiledRule[] = [];
    bucket.match(ev, out);
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
    );
  }

  /** Number of distinct event signatures seen (buckets built). */
  get bucketCount(): number {
    return this.buckets.size;
  }
}
