/**
 * @module
 * The read-only view of one event that compiled rules evaluate. It resolves field names
 * (original fields first, then ECS names; names are case-sensitive, as in Sigma backends) and caches the
 * lower-cased string form of each field, so every field is folded at most once per event no
 * matter how many rules test it.
 */
import type { EcsFields, FieldValue, FlatFields } from '@intersoc/core';

/** What a field looks like to a matcher: absent, null, one string, or several strings. */
export type FieldStrings = undefined | null | string | readonly string[];

/** The parts of an event Sigma reads. */
export interface SigmaEventInput {
  readonly fields: FlatFields;
  readonly ecs?: EcsFields;
  /** Parser format (`source.format`), readable in logsource mappings as `@format`. */
  readonly format?: string;
}

function toText(v: FieldValue): FieldStrings {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v.map((x) => (x === null ? '' : String(x)));
}

/** A field-access view of one event with per-event caches. Create one per event; do not share. */
export class EventView {
  readonly fields: FlatFields;
  readonly ecs: EcsFields | undefined;
  readonly format: string;
  private lowerCache: Map<string, FieldStrings> | undefined;

  constructor(input: SigmaEventInput) {
    this.fields = input.fields;
    this.ecs = input.ecs;
    this.format = input.format ?? '';
  }

  /** The raw value of a field, or undefined when the event does not carry it. */
  raw(name: string): FieldValue | undefined {
    const v = this.fields[name];
    if (v !== undefined) return v;
    if (name === '@format') return this.format;
    if (this.ecs) return (this.ecs as Record<string, string | number | undefined>)[name];
    return undefined;
  }

  /** True when the field is present (even if null or empty). */
  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** The field's string form (numbers and booleans as text, arrays element-wise). */
  text(name: string): FieldStrings {
    const raw = this.raw(name);
    if (raw === undefined || typeof raw === 'string') return raw;
    return toText(raw);
  }

  /** The field's lower-cased string form, computed once per event. */
  lower(name: string): FieldStrings {
    let cache = this.lowerCache;
    if (cache === undefined) cache = this.lowerCache = new Map();
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const t = this.text(name);
    // Absent fields are not cached: looking them up again is as cheap as a cache hit.
    if (t === undefined) return t;
    const v =
      t === undefined || t === null ? t : typeof t === 'string' ? t.toLowerCase() : t.map((x) => x.toLowerCase());
    cache.set(name, v);
    return v;
  }

  /** Names of all original fields (keyword search looks at every value). */
  fieldNames(): readonly string[] {
    return Object.keys(this.fields);
  }
}
