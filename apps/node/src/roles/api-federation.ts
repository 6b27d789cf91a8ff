/**
 * @module
 * TAXII 2.1 and the federation in the `api` role, over the PostgreSQL store: the TAXII server at
 * `/taxii2/` (users with their API credentials, peers with node keys) over `PgTaxiiBackend`
 * bridged to `PgCtiStore`, and, when this host's `--data` holds a node identity
 * (`intersoc node init`), the federation over `PgPeerStore`, `PgJournal` and `PgFederationState`
 * with the peer endpoints and the service behind `/api/federation/*`. Every store is on the one
 * bridge, so a receipt or a share chunk is one PostgreSQL transaction.
 *
 * Sync rounds (pushing outboxes, pulling from peers) run in one api instance at a time: a round
 * runs where `pg_try_advisory_lock` is won, and instances that lose skip theirs. This role has no
 * detectors and no bus: intelligence changes reload nothing here, and alerts are not turned into
 * sightings for originators (the embedded node does that from its bus).
 */
import type { FastifyInstance } from 'fastify';
import { systemContext, type Config } from '@intersoc/core';
import type { FederationService } from '@intersoc/api';
import { openPgTaxiiBackend, type CtiStore } from '@intersoc/cti';
import { PgAssetStore } from '@intersoc/correlate';
import {
  Federation,
  hasIdentity,
  loadFederationConfig,
  loadIdentity,
  loadLookupSeed,
  PgFederationState,
  PgJournal,
  PgPeerStore,
} from '@intersoc/federation';
import { Inventory, knownValuesOf, PgPrivacyStore } from '@intersoc/privacy';
import type { AuditStore } from '@intersoc/storage';
import type { SyncPg } from '@intersoc/storage/postgres';
import {
  ensureTenantCollection,
  federationService,
  mountFederationHttp,
  USER_ROOT_INFO,
  type FederationWiring,
} from '../node/federation.js';

/** The advisory lock (two keys) the instance running a sync round holds. */
const ROUND_LOCK = "hashtext('intersoc.federation'), hashtext('sync-round')";

/** What TAXII and the federation are built from. */
export interface ApiFederationWiring {
  /** The identity stores' bridge: every federation, CTI and TAXII store shares its connection. */
  readonly pg: SyncPg;
  /** The api role's CTI store, on `pg`. */
  readonly cti: CtiStore;
  readonly audit: AuditStore;
  /** Settings; `config.data` holds the node identity, lookup seed and federation settings. */
  readonly config: Config;
  /** Tenants whose user collection (`intel-<tenant>`) is created at start. */
  readonly tenants: () => Promise<readonly string[]>;
  /** The API's user authentication (`buildApi`'s authenticator), for TAXII users. */
  readonly authenticate: FederationWiring['authenticate'];
  readonly log: FederationWiring['log'];
}

/** TAXII and the federation of the api role. */
export interface ApiFederation {
  /** Undefined without a node identity in `--data`. */
  readonly federation?: Federation;
  /** The service behind `/api/federation/*`; register it with `registerFederationRoutes`. */
  readonly service?: FederationService;
  close(): Promise<void>;
}

/** Mounts TAXII and the federation on the api role's server; call before `listen`. */
export async function registerApiFederation(app: FastifyInstance, w: ApiFederationWiring): Promise<ApiFederation> {
  const taxii = openPgTaxiiBackend(w.pg, [USER_ROOT_INFO]);
  for (const t of await w.tenants()) ensureTenantCollection(taxii, t);
  const fedConfig = loadFederationConfig(w.config.data);
  let federation: Federation | undefined;
  if (hasIdentity(w.config.data)) {
    const assets = new PgAssetStore(w.pg);
    const privacy = new PgPrivacyStore(w.pg);
    federation = new Federation({
      keys: loadIdentity(w.config.data),
      config: fedConfig,
      pg: w.pg,
      stores: { peers: new PgPeerStore(w.pg), journal: new PgJournal(w.pg), state: new PgFederationState(w.pg) },
      cti: w.cti,
      taxii,
      audit: w.audit,
      lookupSeed: loadLookupSeed(w.config.data),
      rounds: advisoryRoundLock(w.pg),
      // Known personal values scrubbed from free text, restricted subjects withheld (packages/privacy).
      privacyValues: () =>
        knownValuesOf(
          assets.list(systemContext(fedConfig.tenant)),
          privacy,
          Inventory.of(w.config, fedConfig.tenant),
          fedConfig.tenant,
        ),
      log: w.log,
    });
  }
  const fed = federation;
  await mountFederationHttp(app, {
    base: taxii,
    cti: w.cti,
    ...(fed ? { federation: fed } : {}),
    authenticate: w.authenticate,
    maxContentLength: fedConfig.maxContentLength,
    atomically: (fn) => w.pg.transaction(fn),
  });
  fed?.start();
  return {
    ...(fed ? { federation: fed, service: federationService(fed) } : {}),
    close: async () => {
      await fed?.stop();
    },
  };
}

/**
 * A session advisory lock on the bridge's connection. A bridge that lost its connection during a
 * round lost the lock with it: another instance may then start a round beside this one, which
 * costs duplicate transfers (stored once per version), not lost or doubled objects.
 */
function advisoryRoundLock(pg: SyncPg): { tryLock(): boolean; unlock(): void } {
  return {
    tryLock: () => pg.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${ROUND_LOCK}) AS ok`)[0]?.ok === true,
    unlock: () => {
      try {
        pg.query(`SELECT pg_advisory_unlock(${ROUND_LOCK})`);
      } catch {
        // The connection (and the lock with it) is gone; nothing to release.
      }
    },
  };
}
