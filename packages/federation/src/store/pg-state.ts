/**
 * @module
 * The federation state on PostgreSQL (migration step `11-federation-state`), over the synchronous
 * bridge, so callers use it exactly as `SqliteFederationState`: the same rows, read and turned into
 * records by the same functions (`fuseIntelState`, `mergeLocalSighting`, `chainFrom`, …). Bulk
 * writes send their rows as one JSON text per statement. Where SQLite read and then wrote under its
 * one writer (a local sighting's aggregate), a transaction-level advisory lock on the aggregate's
 * key serialises processes, so no detection is lost when two add to one indicator at once.
 */
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import type { DeclaredBatch } from '../signing/batch.js';
import type { Hop } from '../signing/provenance.js';
import { DEFAULT_QUARANTINE, type QuarantinePolicy } from '../trust/trust.js';
import { batchFrom, cachedBatches, chainFrom, chainLengthOf, chainText, type ChainInput } from './chains.js';
import {
  fuseIntelState,
  type IntelState,
  type PeerTrustRow,
  type ReportInput,
  type ReportRow,
  type ReviewRow,
} from './intel-state.js';
import {
  mergeLocalSighting,
  toLocalSighting,
  type LandedSighting,
  type LocalSighting,
  type LocalSightingRow,
  type StoredAggregate,
} from './sightings.js';
import type { FederationStateStore } from './state-model.js';

/** Rows per bulk statement (one JSON parameter each). */
const CHUNK = 5000;

/** `rows` in chunks, each as the JSON text of an array of arrays. */
function chunks(rows: readonly unknown[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(JSON.stringify(rows.slice(i, i + CHUNK)));
  return out;
}

/** The JSON elements of parameter `$n`: `::text` first, since a parameter typed json would be encoded again. */
const elements = (n: number): string => `json_array_elements($${n}::text::json) AS e`;
const texts = (n: number): string => `SELECT json_array_elements_text($${n}::text::json)`;

/** The federation state in the PostgreSQL store. */
export class PgFederationState implements FederationStateStore {
  readonly #pg: SyncPg;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`), peers included. */
  constructor(pg: SyncPg) {
    this.#pg = pg;
  }

  /** Runs bulk statements in one transaction (nothing when there are none). */
  #bulk(st: Statement[]): void {
    if (st.length > 0) this.#pg.transaction(() => this.#pg.batch(st));
  }

  // reports and review -----------------------------------------------------------------------

  recordReports(reports: readonly ReportInput[], now = Date.now()): void {
    const rows = reports.map((r) => [
      r.tenant,
      r.objectId,
      r.version,
      r.origin,
      r.sender,
      r.confidence ?? null,
      r.hops,
      r.valueKey,
    ]);
    this.#bulk(
      chunks(rows).map((json) => ({
        text: `INSERT INTO fed_reports (tenant, object_id, version, origin, sender, confidence, hops, value_key, received)
               SELECT e->>0, e->>1, e->>2, e->>3, e->>4, (e->>5)::integer, (e->>6)::integer, e->>7, $2 FROM ${elements(1)}
               ON CONFLICT DO NOTHING`,
        params: [json, now],
      })),
    );
  }

  reviewIntel(tenant: string, objectId: string, decision: 'released' | 'rejected', by: string, now = Date.now()): void {
    this.#pg.run(
      `INSERT INTO fed_review (tenant, object_id, decision, "by", time) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, object_id) DO UPDATE SET decision = excluded.decision, "by" = excluded."by", time = excluded.time`,
      [tenant, objectId, decision, by, now],
    );
  }

  readIntelState(
    tenant: string,
    policy: QuarantinePolicy = DEFAULT_QUARANTINE,
    keys?: readonly string[],
  ): Map<string, IntelState> {
    // Orders as SQLite scans (primary key; by fusion key first when keys are given), so the
    // objects come out in the same order.
    const reports: Statement =
      keys === undefined
        ? {
            text: `SELECT object_id, origin, sender, confidence, value_key FROM fed_reports WHERE tenant = $1
                   ORDER BY object_id, version, origin, sender`,
            params: [tenant],
          }
        : {
            text: `SELECT object_id, origin, sender, confidence, value_key FROM fed_reports
                   WHERE tenant = $1 AND value_key IN (${texts(2)}) ORDER BY value_key, object_id, version, origin, sender`,
            params: [tenant, JSON.stringify([...new Set(keys)])],
          };
    const [peers, rows, reviews] = this.#pg.batch([
      { text: 'SELECT node_id, reliability, confirmations, false_positives, status FROM fed_peers' },
      reports,
      { text: 'SELECT object_id, decision FROM fed_review WHERE tenant = $1', params: [tenant] },
    ]);
    return fuseIntelState(
      (peers?.rows ?? []) as unknown as PeerTrustRow[],
      (rows?.rows ?? []) as unknown as ReportRow[],
      (reviews?.rows ?? []) as unknown as ReviewRow[],
      policy,
    );
  }

  reportersOf(tenant: string, objectId: string): { origin: string; sender: string }[] {
    return this.#pg.query<{ origin: string; sender: string }>(
      'SELECT DISTINCT origin, sender FROM fed_reports WHERE tenant = $1 AND object_id = $2 ORDER BY origin, sender',
      [tenant, objectId],
    );
  }

  // chains and batches -------------------------------------------------------------------------

  recordChains(rows: readonly ChainInput[], replace = false): void {
    // One row per key: the first wins unless `replace`, then the last (as row by row on SQLite).
    const byKey = new Map<string, unknown[]>();
    for (const r of rows) {
      const key = JSON.stringify([r.tenant, r.id, r.version]);
      if (replace || !byKey.has(key)) byKey.set(key, [r.tenant, r.id, r.version, chainText(r)]);
    }
    this.#bulk(
      chunks([...byKey.values()]).map((json) => ({
        text: `INSERT INTO fed_chains (tenant, id, version, chain) SELECT e->>0, e->>1, e->>2, e->>3 FROM ${elements(1)}
               ON CONFLICT (tenant, id, version) DO ${replace ? 'UPDATE SET chain = excluded.chain' : 'NOTHING'}`,
        params: [json],
      })),
    );
  }

  #chain(tenant: string, id: string, version: string): string | undefined {
    return this.#pg.query<{ chain: string }>(
      'SELECT chain FROM fed_chains WHERE tenant = $1 AND id = $2 AND version = $3',
      [tenant, id, version],
    )[0]?.chain;
  }

  chainLength(tenant: string, id: string, version: string): number | undefined {
    const text = this.#chain(tenant, id, version);
    return text === undefined ? undefined : chainLengthOf(text);
  }

  recordBatches(batches: readonly DeclaredBatch[]): void {
    this.#bulk(
      chunks(batches.map((b) => [b.hop.n, b.hop.r, JSON.stringify(b.wire)])).map((json) => ({
        text: `INSERT INTO fed_batches (signer, root, batch) SELECT e->>0, e->>1, e->>2 FROM ${elements(1)}
               ON CONFLICT DO NOTHING`,
        params: [json],
      })),
    );
  }

  batchOf(signer: string, root: string): DeclaredBatch | undefined {
    const [r] = this.#pg.query<{ batch: string }>('SELECT batch FROM fed_batches WHERE signer = $1 AND root = $2', [
      signer,
      root,
    ]);
    return r ? batchFrom(r.batch) : undefined;
  }

  chainOf(
    tenant: string,
    id: string,
    version: string,
    batches = new Map<string, DeclaredBatch | undefined>(),
  ): Hop[] | undefined {
    const text = this.#chain(tenant, id, version);
    return text === undefined
      ? undefined
      : chainFrom(
          text,
          cachedBatches(batches, (n, root) => this.batchOf(n, root)),
        );
  }

  // sightings ----------------------------------------------------------------------------------

  recordLocalSighting(s: LocalSighting): boolean {
    return this.#pg.transaction(() => {
      const [, found] = this.#pg.batch([
        {
          text: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
          params: [JSON.stringify(['fed_local_sightings', s.tenant, s.indicator])],
        },
        {
          text: 'SELECT count, first, last, context FROM fed_local_sightings WHERE tenant = $1 AND indicator = $2',
          params: [s.tenant, s.indicator],
        },
      ]);
      const prev = found?.rows[0] as StoredAggregate | undefined;
      this.#pg.run(
        `INSERT INTO fed_local_sightings (tenant, indicator, origin, via, count, first, last, context, dirty)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)
         ON CONFLICT (tenant, indicator) DO UPDATE SET origin = excluded.origin, via = excluded.via,
           count = excluded.count, first = excluded.first, last = excluded.last, context = excluded.context, dirty = 1`,
        mergeLocalSighting(prev, s),
      );
      return prev === undefined;
    });
  }

  pendingSightings(tenant: string): LocalSighting[] {
    return this.#pg
      .query<LocalSightingRow>(
        'SELECT * FROM fed_local_sightings WHERE tenant = $1 AND dirty = 1 ORDER BY last, indicator',
        [tenant],
      )
      .map(toLocalSighting);
  }

  markSightingsSent(tenant: string, indicators: readonly string[]): void {
    if (indicators.length === 0) return;
    this.#pg.run(`UPDATE fed_local_sightings SET dirty = 0 WHERE tenant = $1 AND indicator IN (${texts(2)})`, [
      tenant,
      JSON.stringify(indicators),
    ]);
  }

  recordLanded(tenant: string, s: LandedSighting): void {
    this.#pg.run(
      `INSERT INTO fed_landed (tenant, indicator, peer, count, first, last) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant, indicator, peer) DO UPDATE SET count = GREATEST(fed_landed.count, excluded.count),
         first = LEAST(fed_landed.first, excluded.first), last = GREATEST(fed_landed.last, excluded.last)`,
      [tenant, s.indicator, s.peer, s.count, s.first, s.last],
    );
  }

  landedSightings(tenant: string, limit = 200): LandedSighting[] {
    return this.#pg.query<LandedSighting>(
      'SELECT indicator, peer, count, first, last FROM fed_landed WHERE tenant = $1 ORDER BY last DESC LIMIT $2',
      [tenant, limit],
    );
  }

  // lookup tags --------------------------------------------------------------------------------

  lookupTag(input: string): Buffer | undefined {
    const [r] = this.#pg.query<{ tag: Uint8Array }>('SELECT tag FROM fed_lookup_tags WHERE input = $1', [input]);
    // The bridge hands bytea back as a Uint8Array (structured clone): a Buffer, as on SQLite.
    return r ? Buffer.from(r.tag.buffer, r.tag.byteOffset, r.tag.byteLength) : undefined;
  }

  setLookupTag(input: string, tag: Uint8Array): void {
    this.#pg.run(
      `INSERT INTO fed_lookup_tags (input, tag) VALUES ($1, $2) ON CONFLICT (input) DO UPDATE SET tag = excluded.tag`,
      [input, tag],
    );
  }
}

/**
 * The mark's SQL expression (`<count>:<max changed>` of the peers, then of the reviews), for
 * readers on another client that add their own parts (the detect roles' indicator mark).
 */
export const FEDERATION_CHANGE_MARK = `(SELECT count(*) || ':' || coalesce(max(changed), 0) FROM fed_peers) || '/' ||
  (SELECT count(*) || ':' || coalesce(max(time), 0) FROM fed_review)`;

/**
 * Changes whenever a peer is added, removed or changed (status, grade, feedback counts; contacts
 * do not count) or a review decision is taken, by any process: what SQLite's `data_version`
 * tells a sync round there. Counts catch deletions, maxima catch updates.
 */
export function federationChangeMark(pg: SyncPg): string {
  const [r] = pg.query<{ m: string }>(`SELECT ${FEDERATION_CHANGE_MARK} AS m`);
  return r?.m ?? '';
}
