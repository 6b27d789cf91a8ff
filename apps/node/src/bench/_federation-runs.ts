/**
 * @module
 * The two runs of `bench federation`, each between two nodes on loopback HTTP that start from
 * the same objects in the sender's CTI store and end with them in the receiver's:
 *
 * - signed: the sender shares them (privacy minimisation, policy decision per object, journal,
 *   Merkle-batched Ed25519 attestation, the peer's outbox); the receiver pulls its outbox over
 *   TAXII 2.1 with node-key mutual authentication, verifies every chain, checks the terms and
 *   stores objects, chains and reports;
 * - plain: the sender adds the objects to a TAXII collection; the receiver pulls them with a
 *   bearer token, unsigned, and stores them in its CTI store.
 *
 * Each run also counts what it cost in bytes: on the wire (response bodies) and in each node's
 * database, per table.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemContext } from '@intersoc/core';
import {
  openSqliteCtiStore,
  openSqliteTaxiiBackend,
  strictestTlp,
  TaxiiClient,
  type SqliteCtiStore,
  type SqliteTaxiiBackend,
} from '@intersoc/cti';
import {
  cardOf,
  Federation,
  FederationConfigSchema,
  federationHttp,
  initIdentity,
  TaxiiBridge,
  type ShareReport,
} from '@intersoc/federation';
import { openDatabase, type SqliteDb } from '@intersoc/storage';

/** Objects per TAXII page. */
export const PAGE = 1000;
const TENANT = 'default';
const ctx = systemContext(TENANT);
/** The community both nodes belong to (TLP:GREEN's reach) and whose key pseudonymises. */
const COMMUNITY = 'bench';

/** Bytes a run moved and stored. */
export interface RunBytes {
  /** Response bodies the receiver read. */
  readonly wire: number;
  /** Bytes of the pages each node's database holds after the run (SQLite's dbstat). */
  readonly sender: number;
  readonly receiver: number;
  /** Bytes per table and index of both nodes, largest first (those over 64 KiB). */
  readonly tables: Readonly<Record<string, number>>;
}

/** What a run measured. */
export interface RunResult {
  readonly seconds: number;
  readonly shareSeconds: number;
  readonly pullSeconds: number;
  /** Objects the receiver stored. */
  readonly stored: number;
  readonly bytes: RunBytes;
}

/** A signed run, with what the policy and the minimiser did. */
export interface SignedResult extends RunResult {
  readonly share: ShareReport;
}

/** Hooks around the measured part of a run (a CPU profile). */
export interface Probe {
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Side {
  readonly db: SqliteDb;
  readonly cti: SqliteCtiStore;
  readonly taxii: SqliteTaxiiBackend;
  readonly app: FastifyInstance;
  url: string;
  fed?: Federation;
}

/** A fetch that counts the response bytes it hands over. */
function countingFetch(counter: { bytes: number }): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    counter.bytes += Number(res.headers.get('content-length') ?? 0);
    return res;
  };
}

async function side(dir: string, name: string, signed: boolean, wire?: { bytes: number }): Promise<Side> {
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(path.join(dir, `${name}.db`));
  const cti = openSqliteCtiStore(db);
  const taxii = openSqliteTaxiiBackend(db, [{ name: 'bench', title: 'bench', maxContentLength: 64 << 20 }]);
  const app = Fastify({ bodyLimit: 64 << 20 });
  const s: Side = { db, cti, taxii, app, url: '' };
  if (signed) {
    const keys = initIdentity(path.join(dir, name), {
      name,
      sector: 'energy',
      country: 'FR',
      communities: [COMMUNITY],
    });
    s.fed = new Federation({
      keys,
      config: FederationConfigSchema.parse({
        syncIntervalSeconds: 86_400,
        requestsPerMinute: 1_000_000,
        maxContentLength: 64 << 20,
      }),
      db,
      cti,
      taxii,
      lookupSeed: new Uint8Array(32).fill(name.length),
      ...(wire ? { fetch: countingFetch(wire) } : {}),
    });
  }
  const fed = s.fed;
  await app.register(federationHttp, {
    backend: new TaxiiBridge({ base: taxii, cti, ...(fed ? { inbox: (p, o) => fed.receive(p, o) } : {}) }),
    ...(fed ? { federation: fed } : {}),
    authenticate: async (req) => (req.authorization === 'Bearer bench' ? ctx : undefined),
  });
  s.url = await app.listen({ host: '127.0.0.1', port: 0 });
  return s;
}

/** Bytes per table of a database (SQLite's dbstat); returns the total. */
function tableBytes(db: SqliteDb, into: Record<string, number>): number {
  let total = 0;
  for (const r of db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as {
    name: string;
    bytes: number;
  }[]) {
    into[r.name] = (into[r.name] ?? 0) + r.bytes;
    total += r.bytes;
  }
  return total;
}

function bytesOf(a: Side, b: Side, wire: number): RunBytes {
  const tables: Record<string, number> = {};
  const sender = tableBytes(a.db, tables);
  const receiver = tableBytes(b.db, tables);
  const sorted = Object.fromEntries(
    Object.entries(tables)
      .filter(([, n]) => n > 65_536)
      .sort((x, y) => y[1] - x[1]),
  );
  return { wire, sender, receiver, tables: sorted };
}

async function close(s: Side): Promise<void> {
  await s.fed?.stop();
  await s.app.close();
  s.db.close();
}

const seconds = (from: bigint, to: bigint): number => Number(to - from) / 1e9;

/**
 * Signed: share (minimise, decide, journal, attest, outbox) + pull (mutual authentication,
 * verification, terms) + store. The receiver is a named recipient in the sender's community, so
 * everything but TLP:RED (never synced automatically) may reach it.
 */
export async function signedRun(
  dir: string,
  objects: readonly Record<string, unknown>[],
  log: (l: string) => void,
  probe?: Probe,
): Promise<SignedResult> {
  const wire = { bytes: 0 };
  const a = await side(dir, 'signed-a', true);
  const b = await side(dir, 'signed-b', true, wire);
  try {
    const fa = a.fed as Federation;
    const fb = b.fed as Federation;
    fa.addPeer(ctx, cardOf(fb.fx.keys.identity), { reliability: 'B', endpoint: b.url });
    fb.addPeer(ctx, cardOf(fa.fx.keys.identity), { reliability: 'B', endpoint: a.url });
    fa.setCommunityKey(ctx, COMMUNITY);
    a.cti.put(ctx, objects, { source: 'bench' });
    log(`signed: share ${objects.length} objects, then pull and verify them`);
    await probe?.start();
    const t0 = process.hrtime.bigint();
    const share = fa.share(ctx, {
      types: [...new Set(objects.map((o) => String(o['type'])))],
      distribution: 'community',
      recipients: [fb.me],
    });
    const t1 = process.hrtime.bigint();
    const r = await fb.syncPeer(fb.fx.peers.require(fa.me));
    const t2 = process.hrtime.bigint();
    await probe?.stop();
    if (r.error) throw new Error(`signed sync failed: ${r.error}`);
    const queued = share.queued[fb.me] ?? 0;
    const stored = b.cti.count(ctx);
    if (r.pulled.added !== queued || stored !== queued || r.pulled.rejected !== 0)
      throw new Error(`signed: ${queued} queued, ${stored} stored (${JSON.stringify(r.pulled)})`);
    // What the policy refused must not be there.
    for (let after: string | undefined, more = true; more;) {
      const page = b.cti.query(ctx, { limit: 10_000, ...(after === undefined ? {} : { after }) });
      if (page.objects.some((o) => strictestTlp(o.markings) === 'red'))
        throw new Error('signed: a TLP:RED object reached the receiver');
      after = page.next;
      more = after !== undefined;
    }
    return {
      seconds: seconds(t0, t2),
      shareSeconds: seconds(t0, t1),
      pullSeconds: seconds(t1, t2),
      stored,
      share,
      bytes: bytesOf(a, b, wire.bytes),
    };
  } finally {
    await close(a);
    await close(b);
  }
}

/** Plain: the same objects into a TAXII collection, pulled with a token, unsigned, stored. */
export async function plainRun(
  dir: string,
  objects: readonly Record<string, unknown>[],
  log: (l: string) => void,
  probe?: Probe,
): Promise<RunResult> {
  const wire = { bytes: 0 };
  const a = await side(dir, 'plain-a', false);
  const b = await side(dir, 'plain-b', false);
  try {
    a.taxii.putCollection({
      apiRoot: 'bench',
      id: 'plain',
      title: 'plain',
      mediaTypes: ['application/stix+json;version=2.1'],
      // The reader's token belongs to the owner tenant, so it reads every TLP level: plain TAXII
      // applies no sharing policy.
      acl: { tenant: TENANT, read: [], write: [] },
    });
    a.cti.put(ctx, objects, { source: 'bench' });
    log(`plain: publish ${objects.length} objects in a TAXII collection, then pull them unsigned`);
    await probe?.start();
    const t0 = process.hrtime.bigint();
    let after: string | undefined;
    for (;;) {
      const page = a.cti.query(ctx, { limit: 5000, ...(after === undefined ? {} : { after }) });
      a.taxii.addObjects(
        'bench',
        'plain',
        page.objects.map((o) => o.object),
      );
      if (!page.next) break;
      after = page.next;
    }
    const t1 = process.hrtime.bigint();
    const client = new TaxiiClient({ token: 'bench' }, countingFetch(wire));
    let stored = 0;
    await client.pull(`${a.url}/taxii2/bench/`, 'plain', {
      pageSize: PAGE,
      onPage: (p) => {
        stored += b.cti.put(ctx, p.objects, { source: 'taxii', via: a.url }).filter((x) => x.status === 'added').length;
      },
    });
    const t2 = process.hrtime.bigint();
    await probe?.stop();
    if (stored !== objects.length) throw new Error(`plain: expected ${objects.length}, stored ${stored}`);
    return {
      seconds: seconds(t0, t2),
      shareSeconds: seconds(t0, t1),
      pullSeconds: seconds(t1, t2),
      stored,
      bytes: bytesOf(a, b, wire.bytes),
    };
  } finally {
    await close(a);
    await close(b);
  }
}
