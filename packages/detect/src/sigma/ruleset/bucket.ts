/**
 * @module
 * A bucket: the rule variants that share one event signature, with their literal prefilter. Each
 * field a rule needs a literal in gets a scanner over that field's literals (plus the keyword
 * literals, which may be in any field); the other fields get the keyword scanner. Scanners read a
 * field's original text and fold ASCII case as they go, so the prefilter makes no lower-cased
 * copies: only the variants whose literal occurred are evaluated (in rule order), and only they
 * read fields in lower case.
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

/** Buckets with at most this many variants evaluate them all instead of scanning literals. */
const SCAN_THRESHOLD = 12;
/** Scratch buffer for found literal indexes (the engine is single-threaded per instance). */
const FOUND = new Int32Array(8192);
const KEYWORD = '*';

/** Scanners shared between buckets with the same literal list (scans keep no state between calls). */
export type ScannerCache = Map<string, LiteralScanner>;

/** A scanner and, per literal it finds, the variants that literal admits. */
interface FieldScan {
  readonly scanner: LiteralScanner;
  readonly targets: readonly (readonly number[])[];
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

function fieldScan(byLiteral: ReadonlyMap<string, number[]>, cache: ScannerCache): FieldScan {
  const literals = [...byLiteral.keys()];
  const key = literals.join('\u0000');
  let scanner = cache.get(key);
  if (!scanner) cache.set(key, (scanner = new LiteralScanner(literals)));
  return { scanner, targets: literals.map((l) => byLiteral.get(l) as number[]) };
}

/** Variants that share a dispatch signature, with their prefilter. */
export class Bucket {
  private readonly variants: readonly IndexedVariant[];
  private readonly stamp: Uint32Array;
  private epoch = 0;
  /** Fields with literals of their own, and their scans (parallel arrays: no iterator per event). */
  private readonly scanFields: readonly string[];
  private readonly scans: readonly FieldScan[];
  private readonly scanFieldSet: ReadonlySet<string>;
  /** Keyword literals, for the fields no field-bound literal needs. */
  private readonly keywordScan: FieldScan | undefined;
  private readonly seenRule: Uint32Array;
  /** Indexes of variants without a prefilter requirement. */
  private readonly alwaysList: readonly number[];
  /** Scratch list of candidate variants of the current event. */
  private readonly candidates: number[] = [];
  /**
   * Per variant: 1 when its logsource conditions read only dispatch fields, whose values every
   * event of the bucket shares, so the outcome is known after the first event (2 holds, 3 not).
   */
  private readonly whenState: Uint8Array;
  private readonly allOrder: readonly number[];
  private overflow = false;

  /** `dispatch`: the fields whose raw values every event of this bucket shares. */
  constructor(
    variants: readonly IndexedVariant[],
    ruleCount: number,
    cache: ScannerCache,
    dispatch: readonly string[],
  ) {
    this.variants = variants;
    this.whenState = Uint8Array.from(variants, (v) => (v.when.every(([f]) => dispatch.includes(f)) ? 1 : 0));
    this.stamp = new Uint32Array(variants.length);
    this.seenRule = new Uint32Array(ruleCount);
    // field → literal → variants needing that literal there (KEYWORD: in any field).
    const byField = new Map<string, Map<string, number[]>>();
    const always: number[] = [];
    variants.forEach((v, i) => {
      if (v.req === undefined) {
        always.push(i);
        return;
      }
      for (const need of v.req) {
        let byLit = byField.get(need.field);
        if (!byLit) byField.set(need.field, (byLit = new Map()));
        const list = byLit.get(need.lit);
        if (!list) byLit.set(need.lit, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.alwaysList = always;
    this.allOrder = variants.map((_, i) => i);
    const keyword = byField.get(KEYWORD);
    const fields: string[] = [];
    const scans: FieldScan[] = [];
    for (const [field, byLit] of byField) {
      if (field === KEYWORD) continue;
      const merged = new Map(byLit);
      if (keyword) for (const [lit, vs] of keyword) merged.set(lit, [...(merged.get(lit) ?? []), ...vs]);
      fields.push(field);
      scans.push(fieldScan(merged, cache));
    }
    this.scanFields = fields;
    this.scans = scans;
    this.scanFieldSet = new Set(fields);
    this.keywordScan = keyword ? fieldScan(keyword, cache) : undefined;
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

  private scanField(ev: EventView, field: string, fs: FieldScan, epoch: number): void {
    // ASCII literals are found in the original text with case folded on the fly; others (emoji,
    // homoglyphs) need the lower-cased text.
    const fold = fs.scanner.asciiOnly;
    this.scanValue(fold ? ev.text(field) : ev.lower(field), fold, fs, epoch);
  }

  private scanValue(v: FieldStrings, fold: boolean, fs: FieldScan, epoch: number): void {
    if (v === undefined || v === null) return;
    const scanner = fs.scanner;
    const found = FOUND;
    let n = 0;
    if (typeof v === 'string') n = scanner.scan(v, found, 0, fold);
    else for (const text of v) n = scanner.scan(text, found, n, fold);
    if (n === 0) return;
    if (n === found.length) {
      // A full buffer means literals may have been missed: evaluate everything rather than guess.
      this.overflow = true;
      return;
    }
    const stamp = this.stamp;
    const cand = this.candidates;
    const targets = fs.targets;
    for (let k = 0; k < n; k++) {
      for (const vi of targets[found[k] as number] as readonly number[])
        if (stamp[vi] !== epoch) {
          stamp[vi] = epoch;
          cand.push(vi);
        }
    }
  }

  /** Keyword literals in the fields no field-bound literal needs (every original field). */
  private scanKeywords(ev: EventView, fs: FieldScan, epoch: number): void {
    const names = ev.fieldNames();
    const fields = ev.fields;
    const min = fs.scanner.minLength;
    const fold = fs.scanner.asciiOnly;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const v = fields[name];
      // Most values are too short to hold a keyword, or numbers: skip them before any other work.
      if (v === null || v === undefined) continue;
      if (typeof v === 'string' ? v.length < min : typeof v === 'number' && !fs.scanner.inNumbers) continue;
      if (this.scanFieldSet.has(name)) continue;
      if (typeof v === 'string' && fold) this.scanValue(v, true, fs, epoch);
      else this.scanField(ev, name, fs, epoch);
    }
  }

  /** Rules of this bucket that match the event, in rule order. */
  match(ev: EventView, out: CompiledRule[]): void {
    const epoch = this.nextEpoch();
    const variants = this.variants;
    let order: readonly number[];
    if (variants.length <= SCAN_THRESHOLD) {
      // Scanning costs about as much as evaluating a handful of rules: small buckets skip it.
      order = this.allOrder;
    } else {
      const fields = this.scanFields;
      for (let f = 0; f < fields.length; f++)
        this.scanField(ev, fields[f] as string, this.scans[f] as FieldScan, epoch);
      if (this.keywordScan) this.scanKeywords(ev, this.keywordScan, epoch);
      const cand = this.candidates;
      if (this.overflow) order = this.allOrder;
      else {
        for (const k of this.alwaysList) cand.push(k);
        // Rule order keeps output deterministic; candidate lists are short.
        order = cand.length > 1 ? cand.sort((a, b) => a - b) : cand;
      }
    }
    for (const i of order) {
      const v = variants[i] as IndexedVariant;
      if (this.seenRule[v.ruleOrder] === epoch) continue;
      if (!this.holds(i, v, ev) || !v.test(ev)) continue;
      this.seenRule[v.ruleOrder] = epoch;
      out.push(v.rule);
    }
    this.candidates.length = 0;
    this.overflow = false;
  }

  private holds(i: number, v: IndexedVariant, ev: EventView): boolean {
    const state = this.whenState[i] as number;
    if (state === 0) return whenHolds(v.when, ev);
    if (state === 1) this.whenState[i] = whenHolds(v.when, ev) ? 2 : 3;
    return this.whenState[i] === 2;
  }

  get size(): number {
    return this.variants.length;
  }
}
