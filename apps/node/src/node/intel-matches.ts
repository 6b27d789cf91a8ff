/**
 * @module
 * Threat intelligence meets alerts and incidents: the indicators of the tenant's CTI store that
 * match an alert's or incident's entities (addresses, also inside CIDRs; domains, also under a
 * parent an indicator covers; URLs; hashes). The match runs when an alert or incident is read,
 * against the store as it is then (its index is rebuilt when the store changed), so new
 * intelligence marks old alerts too: a retro-hunt on every read, without a copy to keep current.
 */
import type { AuthContext } from '@intersoc/core';
import type { ObservableEnricher } from '@intersoc/cases';

/** One indicator that matches one entity. */
export interface IntelMatch {
  readonly type: string;
  readonly value: string;
  readonly id: string;
  readonly name?: string;
  readonly source?: string;
  readonly tlp?: string;
  readonly confidence?: number;
}

const KINDS = new Set(['ip', 'domain', 'url', 'hash']);

/** A matcher for one request: each distinct entity is looked up once. */
export function intelMatcher(
  enricher: ObservableEnricher,
  ctx: AuthContext,
): (entities: readonly { readonly type: string; readonly value: string }[]) => IntelMatch[] {
  const seen = new Map<string, IntelMatch[]>();
  return (entities) => {
    const out: IntelMatch[] = [];
    for (const e of entities) {
      if (!KINDS.has(e.type)) continue;
      const key = `${e.type}\0${e.value}`;
      let found = seen.get(key);
      if (found === undefined) {
        found = enricher.enrich(ctx, e.type as 'ip' | 'domain' | 'url' | 'hash', e.value).matches.map((m) => ({
          type: e.type,
          value: e.value,
          id: m.id,
          ...(m.name === undefined ? {} : { name: m.name }),
          ...(m.source === undefined ? {} : { source: m.source }),
          ...(m.tlp === undefined ? {} : { tlp: m.tlp }),
          ...(m.confidence === undefined ? {} : { confidence: m.confidence }),
        }));
        seen.set(key, found);
      }
      out.push(...found);
    }
    return out;
  };
}
