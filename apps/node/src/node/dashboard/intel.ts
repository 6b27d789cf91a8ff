/**
 * @module
 * Threat intelligence for the dashboard over the node's CTI store: search with TLP, an
 * object's relationship graph, STIX bundle and MISP event import, and export as either.
 */
import { randomUUID } from 'node:crypto';
import { AppError, type AuthContext } from '@intersoc/core';
import type { IntelImportResult, IntelObject, IntelService } from '@intersoc/api';
import {
  mispToStix,
  parseMispEvents,
  stixToMisp,
  type CtiStore,
  type Provenance,
  type PutOutcome,
  type StoredObject,
} from '@intersoc/cti';

/** Objects examined by one search at most (newest kept first). */
const SEARCH_SCAN_CAP = 50_000;
/** Objects in one export at most. */
const EXPORT_CAP = 50_000;
/** Related objects shown around one object at most. */
const GRAPH_CAP = 200;
const PAGE = 1_000;

/** Reference properties that link objects in the graph besides relationship objects. */
const REF_PROPS = ['created_by_ref', 'sighting_of_ref', 'sample_ref'] as const;
const REF_LISTS = ['object_refs', 'where_sighted_refs', 'observed_data_refs'] as const;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The dashboard's view of a stored object. */
export function intelObject(s: StoredObject): IntelObject {
  const o = s.object;
  const name =
    str(o['name']) ??
    str(o['value']) ??
    (s.type === 'relationship' ? str(o['relationship_type']) : undefined) ??
    (s.type === 'file' ? str((o['hashes'] as Record<string, unknown> | undefined)?.['SHA-256']) : undefined);
  const modified = str(o['modified']) ?? str(o['created']);
  const pattern = str(o['pattern']);
  return {
    id: s.id,
    type: s.type,
    ...(name === undefined ? {} : { name }),
    ...(s.tlp === undefined ? {} : { tlp: s.tlp }),
    revoked: s.revoked,
    added: s.added,
    ...(modified === undefined ? {} : { modified }),
    source: s.provenance.source,
    ...(pattern === undefined ? {} : { pattern }),
    object: o,
  };
}

function* allObjects(store: CtiStore, ctx: AuthContext, types?: readonly string[]): Generator<StoredObject> {
  let after: string | undefined;
  do {
    const page = store.query(ctx, {
      versions: 'last',
      limit: PAGE,
      ...(types && types.length > 0 ? { types } : {}),
      ...(after === undefined ? {} : { after }),
    });
    yield* page.objects;
    after = page.next;
  } while (after !== undefined);
}

function matches(s: StoredObject, needle: string): boolean {
  if (needle === '') return true;
  const o = s.object;
  for (const v of [s.id, o['name'], o['value'], o['pattern'], o['description'], o['relationship_type']]) {
    if (typeof v === 'string' && v.toLowerCase().includes(needle)) return true;
  }
  return (
    Array.isArray(o['labels']) && o['labels'].some((l) => typeof l === 'string' && l.toLowerCase().includes(needle))
  );
}

function counts(
  outcomes: readonly { status: string; id: string; reason?: string }[],
  extra: string[],
): IntelImportResult {
  const reasons = [...extra];
  let added = 0;
  let duplicates = 0;
  let rejected = 0;
  const ids: string[] = [];
  for (const o of outcomes) {
    if (o.status === 'added') {
      added++;
      ids.push(o.id);
    } else if (o.status === 'duplicate') {
      duplicates++;
      ids.push(o.id);
    } else {
      rejected++;
      if (reasons.length < 50) reasons.push(`${o.id || 'object'}: ${o.reason ?? 'rejected'}`);
    }
  }
  return { added, duplicates, rejected, reasons, ids: [...new Set(ids)].slice(0, 1000) };
}

/** Options of `intelService`. */
export interface IntelServiceOptions {
  /**
   * Checks an imported object before the store does (e.g. against the OASIS schemas); returns
   * the reason it is refused. The store's code rules apply either way.
   */
  readonly validate?: (object: unknown) => string | undefined;
}

/** The intelligence service over a CTI store. */
export function intelService(
  store: CtiStore,
  /** Called after an import added objects, so indicator matching picks them up (hot reload). */
  onChange?: () => Promise<void>,
  options: IntelServiceOptions = {},
): IntelService {
  /** Stores what passes `validate`; the outcomes keep the order of `objects`. */
  const put = (ctx: AuthContext, objects: readonly unknown[], provenance: Provenance): PutOutcome[] => {
    const check = options.validate;
    if (!check) return store.put(ctx, objects, provenance);
    const refused = objects.map((o) => check(o));
    const stored = store.put(
      ctx,
      objects.filter((_, i) => refused[i] === undefined),
      provenance,
    );
    let k = 0;
    return objects.map((o, i) => {
      const reason = refused[i];
      if (reason === undefined) return stored[k++] as PutOutcome;
      const r = (o ?? {}) as Record<string, unknown>;
      return { id: typeof r['id'] === 'string' ? r['id'] : '', version: '', status: 'rejected', reason };
    });
  };
  const changed = async (r: IntelImportResult): Promise<IntelImportResult> => {
    // Nothing usable in the request is the client's mistake: a 4xx naming the reasons.
    if (r.rejected > 0 && r.added === 0 && r.duplicates === 0) {
      throw new AppError('VALIDATION', `no object was stored: ${r.reasons.slice(0, 3).join('; ')}`, {
        details: { rejected: r.rejected, reasons: r.reasons },
      });
    }
    if (r.added > 0) await onChange?.();
    return r;
  };
  const latest = (ctx: AuthContext, ids: readonly string[]): StoredObject[] => {
    const out: StoredObject[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      out.push(...store.query(ctx, { ids: ids.slice(i, i + 500), versions: 'last', limit: 10_000 }).objects);
    }
    return out;
  };

  return {
    async search(ctx, q) {
      const needle = q.q.trim().toLowerCase();
      const hits: StoredObject[] = [];
      let scanned = 0;
      for (const s of allObjects(store, ctx, q.types)) {
        if (++scanned > SEARCH_SCAN_CAP) break;
        if (matches(s, needle)) hits.push(s);
      }
      hits.sort((a, b) => b.added - a.added || a.id.localeCompare(b.id));
      const start = q.cursor === undefined ? 0 : Number.parseInt(q.cursor, 36);
      if (!Number.isSafeInteger(start) || start < 0) throw new AppError('VALIDATION', 'invalid cursor');
      const items = hits.slice(start, start + q.limit).map(intelObject);
      const next = start + items.length;
      return next < hits.length ? { items, nextCursor: next.toString(36) } : { items };
    },

    async graph(ctx, id) {
      const [self] = store.get(ctx, id);
      if (!self) return undefined;
      const edges: { source: string; target: string; type: string }[] = [];
      const related = new Set<string>();
      const link = (source: string, target: string, type: string): void => {
        if (edges.length >= GRAPH_CAP) return;
        edges.push({ source, target, type });
        related.add(source === id ? target : source);
      };
      for (const p of REF_PROPS) {
        const ref = str(self.object[p]);
        if (ref) link(id, ref, p.replace(/_ref$/, ''));
      }
      for (const p of REF_LISTS) {
        const refs = self.object[p];
        if (Array.isArray(refs)) for (const r of refs) if (typeof r === 'string') link(id, r, p.replace(/_refs$/, ''));
      }
      for (const rel of allObjects(store, ctx, ['relationship', 'sighting'])) {
        const o = rel.object;
        const src = str(o['source_ref']) ?? str(o['sighting_of_ref']);
        const tgt =
          str(o['target_ref']) ??
          (Array.isArray(o['where_sighted_refs']) ? str(o['where_sighted_refs'][0]) : undefined);
        if (!src || !tgt || (src !== id && tgt !== id)) continue;
        link(src, tgt, rel.type === 'sighting' ? 'sighted-at' : (str(o['relationship_type']) ?? 'related-to'));
        if (edges.length >= GRAPH_CAP) break;
      }
      related.delete(id);
      const nodes = latest(ctx, [...related]).map(intelObject);
      const known = new Set([id, ...nodes.map((n) => n.id)]);
      return {
        object: intelObject(self),
        nodes,
        edges: edges.filter((e) => known.has(e.source) && known.has(e.target)),
      };
    },

    async import(ctx, format, doc) {
      if (format === 'misp') {
        const events = parseMispEvents(doc);
        if (!events.ok) throw new AppError('VALIDATION', `not a MISP event: ${events.reason}`);
        const objects = events.value.flatMap((e) => mispToStix(e).objects);
        return changed(counts(put(ctx, objects, { source: 'misp', via: 'dashboard import' }), []));
      }
      const d = doc as { type?: unknown; objects?: unknown; id?: unknown };
      let objects: unknown[];
      if (d.type === 'bundle') {
        if (!Array.isArray(d.objects)) throw new AppError('VALIDATION', 'the bundle has no objects array');
        objects = d.objects;
      } else if (typeof d.type === 'string' && typeof d.id === 'string') {
        objects = [doc];
      } else {
        throw new AppError('VALIDATION', 'expected a STIX 2.1 bundle (type "bundle") or one STIX object');
      }
      return changed(counts(put(ctx, objects, { source: 'local', via: 'dashboard import' }), []));
    },

    async export(ctx, format, ids) {
      const chosen = ids && ids.length > 0 ? latest(ctx, ids) : [...take(allObjects(store, ctx), EXPORT_CAP)];
      const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects: chosen.map((s) => s.object) };
      if (format === 'stix') return bundle;
      const events = stixToMisp(bundle);
      if (events.length === 1) return { Event: events[0] };
      return { response: events.map((e) => ({ Event: e })) };
    },
  };
}

function* take<T>(it: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const x of it) {
    yield x;
    if (++i >= n) return;
  }
}
