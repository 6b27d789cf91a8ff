/**
 * @module
 * The peer registry on PostgreSQL (migration step `10-federation-peers`), over the synchronous
 * bridge, so callers use it exactly as `PeerStore`. Same statements in `$n` placeholders. Where the
 * SQLite store read the peer and then wrote (one writer per file), `add` locks the peer's row
 * (`SELECT … FOR UPDATE` inside a transaction), so two processes adding one node id cannot both
 * pass the key and revocation checks. Reads go to the database every time: revocation must bite at
 * once, on every process that shares the store.
 */
import { AppError } from '@intersoc/core';
import type { SyncPg } from '@intersoc/storage/postgres';
import type { PeerCard } from '../identity/identity.js';
import type { Reliability } from '../trust/trust.js';
import { toPeer, type Peer, type PeerRegistry, type PeerRow } from './peers.js';

/** The peer registry in the PostgreSQL store. */
export class PgPeerStore implements PeerRegistry {
  readonly #pg: SyncPg;
  readonly #now: () => number;

  /** `pg` must point at a store migrated by `migratePg` (`intersoc db migrate`). */
  constructor(pg: SyncPg, now: () => number = Date.now) {
    this.#pg = pg;
    this.#now = now;
  }

  add(card: PeerCard, o: { reliability: Reliability; communities?: readonly string[]; endpoint?: string }): Peer {
    return this.#pg.transaction(() => {
      const [existing] = this.#pg.query<PeerRow>('SELECT * FROM fed_peers WHERE node_id = $1 FOR UPDATE', [
        card.node_id,
      ]);
      if (existing && existing.public_key !== card.public_key)
        throw new AppError('CONFLICT', `peer ${card.node_id} already has another key`);
      if (existing?.status === 'revoked')
        throw new AppError('CONFLICT', `peer ${card.node_id} was revoked; its key cannot be trusted again`);
      const t = this.#now();
      const [row] = this.#pg.query<PeerRow>(
        `INSERT INTO fed_peers (node_id, public_key, name, sector, country, communities, endpoint, reliability, status, added, changed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9, $10)
           ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, sector = excluded.sector, country = excluded.country,
             communities = excluded.communities, endpoint = excluded.endpoint, reliability = excluded.reliability,
             changed = excluded.changed
           RETURNING *`,
        [
          card.node_id,
          card.public_key,
          card.name,
          card.sector,
          card.country,
          JSON.stringify([...(o.communities ?? card.communities)]),
          o.endpoint ?? card.endpoint ?? null,
          o.reliability,
          t,
          t,
        ],
      );
      return toPeer(row as PeerRow);
    });
  }

  get(nodeId: string): Peer | undefined {
    const [r] = this.#pg.query<PeerRow>('SELECT * FROM fed_peers WHERE node_id = $1', [nodeId]);
    return r ? toPeer(r) : undefined;
  }

  require(nodeId: string): Peer {
    const p = this.get(nodeId);
    if (!p) throw new AppError('NOT_FOUND', `no peer ${nodeId}`);
    return p;
  }

  list(): Peer[] {
    return this.#pg.query<PeerRow>('SELECT * FROM fed_peers ORDER BY name, node_id').map(toPeer);
  }

  active(): Peer[] {
    return this.list().filter((p) => p.status === 'active');
  }

  remove(nodeId: string): boolean {
    return this.#pg.run('DELETE FROM fed_peers WHERE node_id = $1', [nodeId]) > 0;
  }

  /** One UPDATE … RETURNING: the peer as changed, or NOT_FOUND. */
  #update(nodeId: string, set: string, params: readonly (string | number)[]): Peer {
    const [r] = this.#pg.query<PeerRow>(
      `UPDATE fed_peers SET ${set} WHERE node_id = $${params.length + 1} RETURNING *`,
      [...params, nodeId],
    );
    if (!r) throw new AppError('NOT_FOUND', `no peer ${nodeId}`);
    return toPeer(r);
  }

  revoke(nodeId: string): Peer {
    return this.#update(nodeId, "status = 'revoked', changed = $1", [this.#now()]);
  }

  setReliability(nodeId: string, reliability: Reliability): Peer {
    return this.#update(nodeId, 'reliability = $1, changed = $2', [reliability, this.#now()]);
  }

  feedback(nodeId: string, kind: 'confirmation' | 'false-positive', n = 1): Peer {
    const col = kind === 'confirmation' ? 'confirmations' : 'false_positives';
    return this.#update(nodeId, `${col} = ${col} + $1, changed = $2`, [n, this.#now()]);
  }

  contact(nodeId: string, error?: string): void {
    if (error === undefined)
      this.#pg.run('UPDATE fed_peers SET last_contact = $1, last_error = NULL WHERE node_id = $2', [
        this.#now(),
        nodeId,
      ]);
    else this.#pg.run('UPDATE fed_peers SET last_error = $1 WHERE node_id = $2', [error.slice(0, 500), nodeId]);
  }
}
