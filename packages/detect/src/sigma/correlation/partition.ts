/**
 * @module
 * How correlation state is cut into partitions for several correlate owners. A **chain** is a set
 * of correlations linked by references (a correlation over another's hits); its **key fields**
 * are the group-by fields every correlation of the chain shares. All matches with the same key
 * values in a chain land in one partition, so every group of every correlation in the chain sees
 * all its matches, in order, at one owner. A chain without shared fields is keyed by the chain
 * alone (one partition per tenant and chain). Independent correlations over the same base rule are
 * different chains: a match that feeds both may go to two partitions.
 */
import type { CompiledCorrelation } from './compile.js';

/** Correlations linked by references, and the group-by fields they all share. */
export interface CorrelationChain {
  /** The smallest correlation key of the chain: stable across processes with the same rules. */
  readonly id: string;
  readonly correlations: readonly CompiledCorrelation[];
  readonly keyFields: readonly string[];
  /** Keys of the base rules whose matches the chain consumes. */
  readonly sources: ReadonlySet<string>;
}

/** The chains of a rule set's correlations, in id order. */
export function correlationChains(correlations: readonly CompiledCorrelation[]): CorrelationChain[] {
  const byKey = new Map(correlations.map((c) => [c.key, c]));
  const parent = new Map<string, string>(correlations.map((c) => [c.key, c.key]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(k, r);
    return r;
  };
  for (const c of correlations) for (const ref of c.refs) if (byKey.has(ref)) parent.set(find(ref), find(c.key));
  const groups = new Map<string, CompiledCorrelation[]>();
  for (const c of correlations) {
    const root = find(c.key);
    groups.set(root, [...(groups.get(root) ?? []), c]);
  }
  const chains: CorrelationChain[] = [];
  for (const members of groups.values()) {
    const sorted = [...members].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const keyFields = (sorted[0]?.groupBy ?? []).filter((f) => sorted.every((c) => c.groupBy.includes(f)));
    const sources = new Set<string>();
    for (const c of sorted) for (const r of c.refs) if (!byKey.has(r)) sources.add(r);
    chains.push({ id: sorted[0]?.key ?? '', correlations: sorted, keyFields, sources });
  }
  return chains.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The key values of a base-rule match in a chain: each key field read through the alias the
 * first consuming correlation gives it for `source` (missing values are null, as group-by has them).
 */
export function chainKey(
  tenant: string,
  chain: CorrelationChain,
  source: string,
  value: (field: string) => string | undefined,
): string {
  const consumer = chain.correlations.find((c) => c.refs.includes(source));
  const values = chain.keyFields.map((f) => value(consumer?.aliases.get(f)?.get(source) ?? f) ?? null);
  return JSON.stringify([tenant, chain.id, values]);
}

/** FNV-1a over the key's UTF-16 code units, modulo `partitions`: the same on every process. */
export function partitionOfKey(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
