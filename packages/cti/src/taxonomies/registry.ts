/**
 * @module
 * MISP taxonomies as machine-tag vocabularies: load taxonomy files (the misp-taxonomies
 * layout), validate tags against them, and expand a tag to its meaning and numerical value.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseMachineTag } from './machine-tag.js';

const EntrySchema = z.looseObject({
  value: z.string(),
  expanded: z.string().optional(),
  description: z.string().optional(),
  numerical_value: z.number().optional(),
});

/** A MISP taxonomy. */
export const TaxonomySchema = z.looseObject({
  namespace: z.string(),
  description: z.string().optional(),
  version: z.number().optional(),
  exclusive: z.boolean().optional(),
  predicates: z.array(EntrySchema),
  values: z.array(z.looseObject({ predicate: z.string(), entry: z.array(EntrySchema) })).optional(),
});
/** A taxonomy. */
export type Taxonomy = z.infer<typeof TaxonomySchema>;

/** What a known tag means. */
export interface TagMeaning {
  readonly namespace: string;
  readonly predicate: string;
  readonly value?: string;
  readonly expanded?: string;
  readonly description?: string;
  readonly numerical_value?: number;
}

/** Loaded taxonomies, keyed by namespace (case-insensitive). */
export class TaxonomyRegistry {
  private readonly byNs = new Map<string, Taxonomy>();

  /** Adds (or replaces) a taxonomy. */
  add(t: Taxonomy): void {
    this.byNs.set(t.namespace.toLowerCase(), t);
  }

  /** Namespaces loaded. */
  get namespaces(): string[] {
    return [...this.byNs.values()].map((t) => t.namespace).sort();
  }

  /** The meaning of a tag, or undefined when no loaded taxonomy defines it. */
  lookup(tag: string): TagMeaning | undefined {
    const mt = parseMachineTag(tag);
    if (!mt) return undefined;
    const t = this.byNs.get(mt.namespace.toLowerCase());
    if (!t) return undefined;
    const pred = t.predicates.find((p) => p.value.toLowerCase() === mt.predicate.toLowerCase());
    if (!pred) return undefined;
    const entries = t.values?.find((v) => v.predicate.toLowerCase() === pred.value.toLowerCase())?.entry;
    if (mt.value === undefined) {
      // A predicate-only tag is valid when the predicate has no value list.
      return entries && entries.length > 0 ? undefined : meaning(t.namespace, pred.value, undefined, pred);
    }
    const entry = entries?.find((e) => e.value.toLowerCase() === (mt.value as string).toLowerCase());
    return entry ? meaning(t.namespace, pred.value, entry.value, entry) : undefined;
  }

  /** True when the tag belongs to a loaded taxonomy. */
  isValid(tag: string): boolean {
    return this.lookup(tag) !== undefined;
  }

  /** Loads every `machinetag.json` under a directory. Returns how many taxonomies loaded. */
  loadDirectory(dir: string): number {
    let n = 0;
    const walk = (d: string): void => {
      for (const name of readdirSync(d).sort()) {
        const p = path.join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name === 'machinetag.json') {
          const parsed = TaxonomySchema.safeParse(JSON.parse(readFileSync(p, 'utf8')));
          if (parsed.success) {
            this.add(parsed.data);
            n++;
          }
        }
      }
    };
    if (existsSync(dir)) walk(dir);
    return n;
  }
}

function meaning(
  namespace: string,
  predicate: string,
  value: string | undefined,
  e: z.infer<typeof EntrySchema>,
): TagMeaning {
  return {
    namespace,
    predicate,
    ...(value === undefined ? {} : { value }),
    ...(e.expanded === undefined ? {} : { expanded: e.expanded }),
    ...(e.description === undefined ? {} : { description: e.description }),
    ...(e.numerical_value === undefined ? {} : { numerical_value: e.numerical_value }),
  };
}
