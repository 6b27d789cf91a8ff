/**
 * @module
 * Federation on a running node: the TAXII 2.1 server at `/taxii2/` (users with their API
 * credentials, peers with node keys), the peer endpoints, the federation engine and its sync
 * rounds, the bridge that lands TAXII posts and peer objects in the CTI store (and reloads the
 * pipeline's indicator detectors, debounced), alerts turned into sightings for originators, and
 * the services behind `/api/federation/*` and the dashboard's SOC network view.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, DEFAULT_TENANT, systemContext, type Alert, type AuthContext, type Config } from '@intersoc/core';
import type { FederationService, FederationPeerView } from '@intersoc/api';
import type { Bus } from '@intersoc/bus';
import {
  openSqliteCtiStore,
  openSqliteTaxiiBackend,
  type CtiStore,
  type TaxiiBackend,
  type TaxiiStore,
} from '@intersoc/cti';
import {
  cardOf,
  Federation,
  federationHttp,
  hasIdentity,
  loadFederationConfig,
  loadIdentity,
  loadLookupSeed,
  RELIABILITY,
  TaxiiBridge,
  type Peer,
  type Reliability,
} from '@intersoc/federation';
import { SqliteAuditStore, type AuthStores, type SqliteDb } from '@intersoc/storage';
import { Inventory, sharingValues } from '@intersoc/privacy';

/** What the federation is built from. */
export interface FederationWiring {
  readonly config: Config;
  readonly db: SqliteDb;
  readonly stores: AuthStores;
  readonly bus: Bus;
  /** The API's user authentication (tokens, Basic, with the client address for its throttle), for TAXII users. */
  readonly authenticate: (c: { authorization?: string; ip?: string }) => Promise<AuthContext | undefined>;
  /** Rebuilds the pipeline's detectors. */
  readonly reloadDetectors: () => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>) => void;
}

/** The federation of a running node. */
export interface NodeFederation {
  /** Undefined until `intersoc node init` gave the node an identity. */
  readonly federation?: Federation;
  /** The service behind `/api/federation/*` and the dashboard's SOC network view. */
  readonly service?: FederationService;
  close(): Promise<void>;
}

/** TAXII API root for users' collections. */
export const USER_ROOT = 'default';
/** The user API root as the node opens it. */
export const USER_ROOT_INFO = {
  name: USER_ROOT,
  title: 'INTERSOC threat intelligence',
  maxContentLength: 16 * 1024 * 1024,
} as const;
/** Delay that coalesces intelligence changes into one detector reload. */
const RELOAD_DEBOUNCE_MS = 1000;
/** How often the store is checked for indicator changes made elsewhere. */
const GENERATION_CHECK_MS = 2000;

/** Changes whenever an indicator version is added or deleted, by any writer. */
export function indicatorGeneration(db: SqliteDb): string {
  const r = db
    .prepare("SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS m FROM cti_objects WHERE type = 'indicator'")
    .get() as { n: number; m: number };
  return `${r.n}:${r.m}`;
}

/** Creates a tenant's user collection (`intel-<tenant>`) when missing. */
export function ensureTenantCollection(taxii: TaxiiBackend, tenant: string): void {
  if (taxii.collection(USER_ROOT, `intel-${tenant}`)) return;
  taxii.putCollection({
    apiRoot: USER_ROOT,
    id: `intel-${tenant}`,
    title: `Threat intelligence of ${tenant}`,
    description: 'Objects posted here land in the tenant’s CTI store and drive indicator detection.',
    mediaTypes: ['application/stix+json;version=2.1'],
    acl: { tenant, read: [], write: [] },
  });
}

/**
 * Mounts the TAXII server at `/taxii2/` (users with their API credentials) and, with a federation,
 * the peer endpoints (node keys), over `base` bridged to the CTI store: posts to a tenant's
 * collection land in its CTI store, peers' inbox posts go through the federation.
 */
export async function mountFederationHttp(
  app: FastifyInstance,
  o: {
    readonly base: TaxiiStore;
    readonly cti: CtiStore;
    readonly federation?: Federation;
    readonly authenticate: FederationWiring['authenticate'];
    readonly maxContentLength: number;
    readonly onIntelChanged?: (tenant: string) => void;
    /** The transaction of the database `base` and `cti` share: a user's post lands in both or neither. */
    readonly atomically?: <T>(fn: () => T) => T;
  },
): Promise<void> {
  const fed = o.federation;
  const backend = new TaxiiBridge({
    base: o.base,
    cti: o.cti,
    ...(fed ? { inbox: (peer, objects) => fed.receive(peer, objects, 'push') } : {}),
    ...(o.onIntelChanged ? { onIntelChanged: o.onIntelChanged } : {}),
    ...(o.atomically ? { atomically: o.atomically } : {}),
  });
  await app.register(federationHttp, {
    backend,
    authenticate: o.authenticate,
    ...(fed ? { federation: fed } : {}),
    bodyLimit: Math.max(o.maxContentLength, 16 * 1024 * 1024) + 1024,
    // TAXII and peer routes authenticate themselves (API credentials or node keys).
    routeConfig: (method) =>
      method === 'GET' ? { access: 'public' } : { access: 'public', audit: `taxii.${method.toLowerCase()}` },
  });
}

/** Mounts TAXII and the federation on the API app; call before `listen`. */
export async function attachFederation(app: FastifyInstance, w: FederationWiring): Promise<NodeFederation> {
  const cti = openSqliteCtiStore(w.db);
  const taxii = openSqliteTaxiiBackend(w.db, [USER_ROOT_INFO]);
  for (const t of await w.stores.tenants.list(systemContext(DEFAULT_TENANT))) ensureTenantCollection(taxii, t.name);

  let reloadTimer: NodeJS.Timeout | undefined;
  const intelChanged = (): void => {
    if (reloadTimer) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = undefined;
      w.reloadDetectors().catch((err: unknown) => w.log('error', 'detector reload failed', { err: String(err) }));
    }, RELOAD_DEBOUNCE_MS);
    reloadTimer.unref();
  };

  const fedConfig = loadFederationConfig(w.config.data);
  let federation: Federation | undefined;
  if (hasIdentity(w.config.data)) {
    federation = new Federation({
      keys: loadIdentity(w.config.data),
      config: fedConfig,
      db: w.db,
      cti,
      taxii,
      audit: new SqliteAuditStore(w.db),
      lookupSeed: loadLookupSeed(w.config.data),
      // Known personal values scrubbed from free text, restricted subjects withheld (packages/privacy).
      privacyValues: () => sharingValues(w.db, Inventory.of(w.config, fedConfig.tenant), fedConfig.tenant),
      onIntelChanged: intelChanged,
      log: w.log,
    });
  }
  const fed = federation;
  await mountFederationHttp(app, {
    base: taxii,
    cti,
    ...(fed ? { federation: fed } : {}),
    authenticate: w.authenticate,
    maxContentLength: fedConfig.maxContentLength,
    onIntelChanged: intelChanged,
    atomically: (fn) => w.db.transaction(fn)(),
  });

  // Indicators also change outside the federation (imports, the CLI, other processes): a cheap
  // generation check catches every writer and reloads the detectors.
  let generation = indicatorGeneration(w.db);
  const watch = setInterval(() => {
    const g = indicatorGeneration(w.db);
    if (g !== generation) intelChanged();
    generation = g;
  }, GENERATION_CHECK_MS);
  watch.unref();

  let sub: { unsubscribe(): void } | undefined;
  if (fed) {
    sub = w.bus.subscribe(`alerts.${fedConfig.tenant}`, (m) => fed.onAlerts([m as Alert]));
    fed.start();
  }
  return {
    ...(fed ? { federation: fed, service: federationService(fed) } : {}),
    close: async () => {
      clearInterval(watch);
      if (reloadTimer) clearTimeout(reloadTimer);
      sub?.unsubscribe();
      await fed?.stop();
    },
  };
}

function peerView(p: Peer): FederationPeerView {
  return {
    nodeId: p.nodeId,
    name: p.name,
    sector: p.sector,
    country: p.country,
    communities: p.communities,
    ...(p.endpoint === undefined ? {} : { endpoint: p.endpoint }),
    reliability: p.reliability,
    trust: Math.round(p.trust * 1000) / 1000,
    status: p.status,
    confirmations: p.confirmations,
    falsePositives: p.falsePositives,
    ...(p.lastContact === undefined ? {} : { lastContact: p.lastContact }),
    ...(p.lastError === undefined ? {} : { lastError: p.lastError }),
  };
}

function grade(r: string | undefined): Reliability | undefined {
  if (r === undefined) return undefined;
  if (!(RELIABILITY as readonly string[]).includes(r)) throw new AppError('VALIDATION', 'reliability is A to F');
  return r as Reliability;
}

/** The API service over the federation. */
export function federationService(fed: Federation): FederationService {
  const fx = fed.fx;
  const reader = (ctx: AuthContext) => fed.listPeers(ctx);
  return {
    async node(ctx) {
      reader(ctx);
      const id = fx.keys.identity;
      return {
        nodeId: id.nodeId,
        name: id.name,
        sector: id.sector,
        country: id.country,
        communities: id.communities,
        ...(id.endpoint === undefined ? {} : { endpoint: id.endpoint }),
        publicKey: id.publicKey,
        tenant: fx.config.tenant,
        card: cardOf(id),
      };
    },
    async peers(ctx) {
      return fed.listPeers(ctx).map(peerView);
    },
    async addPeer(ctx, card, o) {
      const reliability = grade(o.reliability);
      return peerView(
        fed.addPeer(ctx, card, {
          ...(reliability ? { reliability } : {}),
          ...(o.communities ? { communities: o.communities } : {}),
          ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        }),
      );
    },
    async removePeer(ctx, nodeId) {
      return fed.removePeer(ctx, nodeId);
    },
    async revokePeer(ctx, nodeId) {
      return peerView(fed.revokePeer(ctx, nodeId));
    },
    async setReliability(ctx, nodeId, r) {
      return peerView(fed.setReliability(ctx, nodeId, grade(r) as Reliability));
    },
    async share(ctx, req) {
      return fed.share(ctx, req);
    },
    async sync(ctx) {
      fed.listPeers(ctx);
      if (!ctx.roles.includes('admin')) throw new AppError('FORBIDDEN', 'sync needs the admin role');
      return (await fed.syncAll()).map((r) => ({
        peer: r.peer,
        pushed: r.pushed,
        pulled: { added: r.pulled.added, duplicates: r.pulled.duplicates, rejected: r.pulled.rejected },
        ...(r.error === undefined ? {} : { error: r.error }),
      }));
    },
    async quarantine(ctx) {
      return fed.quarantined(ctx);
    },
    async review(ctx, id, decision) {
      fed.review(ctx, id, decision);
    },
    async feedback(ctx, indicator, verdict) {
      return fed.feedback(ctx, indicator, verdict);
    },
    async lookup(ctx, kind, value) {
      return fed.lookup(ctx, kind, value);
    },
    async sightings(ctx) {
      return fed.status(ctx).landed;
    },
    async rejections(ctx, limit) {
      reader(ctx);
      return fx.journal.rejections(limit);
    },
    async decisions(ctx, q) {
      reader(ctx);
      return fx.journal.decisions(q);
    },
    async provenance(ctx, id) {
      const p = fed.provenance(ctx, id);
      if (!p) return undefined;
      return {
        id,
        version: p.version,
        origin: p.chain[0]?.n ?? '',
        chain: p.chain.map((h) => ({
          node: h.n,
          to: h.to,
          signed: h.t,
          expires: h.x,
          explicit: h.e === true,
          ...(h.terms ? { terms: h.terms as Record<string, unknown> } : {}),
        })),
      };
    },
    async groups(ctx) {
      reader(ctx);
      return fx.journal.groups();
    },
    async setGroup(ctx, name, members) {
      fed.setGroup(ctx, name, members);
    },
    async setCommunityKey(ctx, name, keyHex) {
      return { name, key: fed.setCommunityKey(ctx, name, keyHex) };
    },
  };
}
