/**
 * @module
 * The peer registry: keys and endpoints exchanged out of band, the operator's admiralty grade,
 * feedback counts, status. Revoked peers stay listed with their key pinned, so anything they
 * sign later (directly or through relays) is refused; removed peers are forgotten.
 */
import { AppError } from '@intersoc/core';
import type { SqliteDb } from '@intersoc/storage';
import type { PeerCard } from '../identity/identity.js';
import { trustScore, type Reliability } from '../trust/trust.js';
import { stmt } from '../internal/sql.js';

/** Peer status. */
export type PeerStatus = 'active' | 'revoked';

/** A peer. */
export interface Peer {
  readonly nodeId: string;
  readonly publicKey: string;
  readonly name: string;
  readonly sector: string;
  readonly country: string;
  readonly communities: readonly string[];
  readonly endpoint?: string;
  readonly reliability: Reliability;
  readonly confirmations: number;
  readonly falsePositives: number;
  readonly status: PeerStatus;
  /** Trust in [0, 1]. */
  readonly trust: number;
  readonly added: number;
  readonly changed: number;
  readonly lastContact?: number;
  readonly lastError?: string;
}

/** A `fed_peers` row, as both stores read it. */
export interface PeerRow {
  node_id: string;
  public_key: string;
  name: string;
  sector: string;
  country: string;
  communities: string;
  endpoint: string | null;
  reliability: string;
  confirmations: number;
  false_positives: number;
  status: string;
  added: number;
  changed: number;
  last_contact: number | null;
  last_error: string | null;
}

/** A row as a peer, with its trust score. */
export function toPeer(r: PeerRow): Peer {
  const reliability = r.reliability as Reliability;
  const f = { confirmations: r.confirmations, falsePositives: r.false_positives };
  return {
    nodeId: r.node_id,
    publicKey: r.public_key,
    name: r.name,
    sector: r.sector,
    country: r.country,
    communities: JSON.parse(r.communities) as string[],
    ...(r.endpoint === null ? {} : { endpoint: r.endpoint }),
    reliability,
    confirmations: r.confirmations,
    falsePositives: r.false_positives,
    status: r.status as PeerStatus,
    trust: trustScore(reliability, f),
    added: r.added,
    changed: r.changed,
    ...(r.last_contact === null ? {} : { lastContact: r.last_contact }),
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
  };
}

/** The peer registry's operations (`PeerStore` on SQLite, `PgPeerStore` on PostgreSQL). */
export interface PeerRegistry {
  /** Adds a peer from its card, or updates its card data (same key only). */
  add(card: PeerCard, o: { reliability: Reliability; communities?: readonly string[]; endpoint?: string }): Peer;
  get(nodeId: string): Peer | undefined;
  /** A peer that must exist. */
  require(nodeId: string): Peer;
  list(): Peer[];
  active(): Peer[];
  /** Forgets a peer. */
  remove(nodeId: string): boolean;
  /** Revokes a peer's key: from now on nothing it signs is accepted, and nothing goes to it. */
  revoke(nodeId: string): Peer;
  setReliability(nodeId: string, reliability: Reliability): Peer;
  /** Records feedback on what the peer sent. */
  feedback(nodeId: string, kind: 'confirmation' | 'false-positive', n?: number): Peer;
  /** Notes a successful contact or an error. */
  contact(nodeId: string, error?: string): void;
}

/** Peers in SQLite. Reads go to the database every time: revocation must bite at once. */
export class PeerStore implements PeerRegistry {
  constructor(
    private readonly db: SqliteDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a peer from its card, or updates its card data (same key only). */
  add(card: PeerCard, o: { reliability: Reliability; communities?: readonly string[]; endpoint?: string }): Peer {
    const existing = this.get(card.node_id);
    if (existing && existing.publicKey !== card.public_key)
      throw new AppError('CONFLICT', `peer ${card.node_id} already has another key`);
    if (existing?.status === 'revoked')
      throw new AppError('CONFLICT', `peer ${card.node_id} was revoked; its key cannot be trusted again`);
    const t = this.now();
    const communities = JSON.stringify([...(o.communities ?? card.communities)]);
    const endpoint = o.endpoint ?? card.endpoint ?? null;
    stmt(
      this.db,
      `INSERT INTO fed_peers (node_id, public_key, name, sector, country, communities, endpoint, reliability, status, added, changed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)
         ON CONFLICT (node_id) DO UPDATE SET name = excluded.name, sector = excluded.sector, country = excluded.country,
           communities = excluded.communities, endpoint = excluded.endpoint, reliability = excluded.reliability,
           changed = excluded.changed`,
    ).run(
      card.node_id,
      card.public_key,
      card.name,
      card.sector,
      card.country,
      communities,
      endpoint,
      o.reliability,
      t,
      t,
    );
    return this.get(card.node_id) as Peer;
  }

  get(nodeId: string): Peer | undefined {
    const r = stmt(this.db, 'SELECT * FROM fed_peers WHERE node_id = ?').get(nodeId) as PeerRow | undefined;
    return r ? toPeer(r) : undefined;
  }

  /** A peer that must exist. */
  require(nodeId: string): Peer {
    const p = this.get(nodeId);
    if (!p) throw new AppError('NOT_FOUND', `no peer ${nodeId}`);
    return p;
  }

  list(): Peer[] {
    return (stmt(this.db, 'SELECT * FROM fed_peers ORDER BY name, node_id').all() as PeerRow[]).map(toPeer);
  }

  active(): Peer[] {
    return this.list().filter((p) => p.status === 'active');
  }

  /** Forgets a peer. */
  remove(nodeId: string): boolean {
    return stmt(this.db, 'DELETE FROM fed_peers WHERE node_id = ?').run(nodeId).changes > 0;
  }

  /** Revokes a peer's key: from now on nothing it signs is accepted, and nothing goes to it. */
  revoke(nodeId: string): Peer {
    this.require(nodeId);
    stmt(this.db, "UPDATE fed_peers SET status = 'revoked', changed = ? WHERE node_id = ?").run(this.now(), nodeId);
    return this.require(nodeId);
  }

  setReliability(nodeId: string, reliability: Reliability): Peer {
    this.require(nodeId);
    stmt(this.db, 'UPDATE fed_peers SET reliability = ?, changed = ? WHERE node_id = ?').run(
      reliability,
      this.now(),
      nodeId,
    );
    return this.require(nodeId);
  }

  /** Records feedback on what the peer sent. */
  feedback(nodeId: string, kind: 'confirmation' | 'false-positive', n = 1): Peer {
    this.require(nodeId);
    const col = kind === 'confirmation' ? 'confirmations' : 'false_positives';
    stmt(this.db, `UPDATE fed_peers SET ${col} = ${col} + ?, changed = ? WHERE node_id = ?`).run(n, this.now(), nodeId);
    return this.require(nodeId);
  }

  /** Notes a successful contact or an error. */
  contact(nodeId: string, error?: string): void {
    if (error === undefined)
      stmt(this.db, 'UPDATE fed_peers SET last_contact = ?, last_error = NULL WHERE node_id = ?').run(
        this.now(),
        nodeId,
      );
    else stmt(this.db, 'UPDATE fed_peers SET last_error = ? WHERE node_id = ?').run(error.slice(0, 500), nodeId);
  }
}
