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
  private readonly perField: { field: string; scanner: LiteralScanner; targets: number[][] }[] = [];
  private readonly anyField: { scanner: LiteralScanner; targets: number[][] } | undefined;
  private readonly seenRule: Uint32Array;

  constructor(variants: readonly IndexedVariant[], ruleCount: number) {
    this.variants = variants;
    this.always = new Uint8Array(variants.length);
    this.stamp = new Uint32Array(variants.length);
    this.seenRule = new Uint32Array(ruleCount);
    const byField = new Map<string, Map<string, number[]>>();
    variants.forEach((v, i) => {
      if (v.req === undefined) {
        this.always[i] = 1;
        return;
      }
      for (const need of v.req) {
        let lits = byField.get(need.field);
        if (!lits) byField.set(need.field, (lits = new Map()));
        const targets = lits.get(need.lit);
        if (targets) {
          if (targets[targets.length - 1] !== i) targets.push(i);
        } else lits.set(need.lit, [i]);
      }
    });
    for (const [field, lits] of byField) {
      const entry = { scanner: new LiteralScanner([...lits.keys()]), targets: [...lits.values()] };
      if (field === '*') this.anyField = entry;
      else this.perField.push({ field, ...entry });
    }
  }

  /** Rules of this bucket that match the event, in rule order. */
  match(ev: EventView, out: CompiledRule[]): void {
    const epoch = ++this.epoch;
    const stamp = this.stamp;
    const found = FOUND;
    for (const { field, scanner, targets } of this.perField) {
      const v = ev.lower(field);
      if (v === undefined || v === null) continue;
      let n = 0;
      if (typeof v === 'string') n = scanner.scan(v, found, 0);
      else for (const text of v) n = scanner.scan(text, found, n);
      for (let k = 0; k < n; k++) for (const vi of targets[found[k] as number] as number[]) stamp[vi] = epoch;
      // A full buffer means literals may have been missed: evaluate everything rather than guess.
      if (n === found.length) stamp.fill(epoch);
    }
    const any = this.anyField;
    if (any) {
      for (const name of ev.fieldNames()) {
        let n = 0;
        for (const text of values(ev.lower(name))) n = any.scanner.scan(text, found, n);
        for (let k = 0; k < n; k++) for (const vi of any.targets[found[k] as number] as number[]) stamp[vi] = epoch;
        if (n === found.length) stamp.fill(epoch);
      }
    }
    const variants = this.variants;
    const always = this.always;
    for (let i = 0; i < variants.length; i++) {
      if (always[i] === 0 && stamp[i] !== epoch) continue;
      const v = variants[i] as IndexedVariant;
      if (this.seenRule[v.ruleOrder] === epoch) continue;
      if (!whenHolds(v.when, ev) || !v.test(ev)) continue;
      this.seenRule[v.ruleOrder] = epoch;
      out.push(v.rule);
    }
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
    let sig = '';
    for (const f of this.dispatch) {
      const v = ev.lower(f);
      sig += `${v === undefined ? '\u0002' : v === null ? '\u0003' : typeof v === 'string' ? v : v.join('\u0004')}\u0000`;
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
