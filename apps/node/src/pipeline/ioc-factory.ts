/**
 * @module
 * The `ioc` detector kind: indicator matching against each tenant's CTI store. One detector
 * dispatches every batch (always one tenant's events) to that tenant's `IocDetector`, built from
 * its active indicators; indicators received from peers count with their trust-weighted, fused
 * confidence, and those in quarantine (or rejected by an analyst) stay out. Rebuilt on reload,
 * which the node triggers (debounced) whenever indicators change. Pattern indicators that
 * overspend the detection budget are disabled and stay disabled across rebuilds in this thread
 * until they change (a new version gets a new chance).
 *
 * Embedded, the indicators are in the node's `<data>/node.db`. Scaled out (`storeUrl`, a
 * PostgreSQL store), they are in the shared store's `cti_objects` (`PgCtiStore`), where TAXII
 * posts and the api role's imports land, and the federation's trust and quarantine in its
 * `fed_*` tables (`PgFederationState`); the detector reads them over a connection of its own,
 * closed with it. The detect role rebuilds the detectors when the indicators move
 * (`roles/intel-watch.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { systemContext, type AlertDraft, type Detector, type SocEvent } from '@intersoc/core';
import {
  configurePatternLimits,
  indicatorsFromStix,
  openSqliteCtiStore,
  PgCtiStore,
  type CtiStore,
} from '@intersoc/cti';
import { IocDetector, IocIndex, type DisabledIndicator } from '@intersoc/detect';
import {
  federationDir,
  loadFederationConfig,
  NodeIdentitySchema,
  PgFederationState,
  readIntelState,
  stixIdentityId,
  type FederationConfig,
  type IntelState,
} from '@intersoc/federation';
import { NODE_DB_FILE, openDatabase, type SqliteDb } from '@intersoc/storage';
import type { DetectorSpec } from './detector-spec.js';

/** Indicators read per page from the store. */
const PAGE = 5000;

/** True when a table exists (the federation's tables exist only once it ran). */
function hasTable(db: SqliteDb, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The node's STIX identity, for sightings, when it has a federation identity. */
function nodeIdentity(dataDir: string): string | undefined {
  const file = path.join(federationDir(dataDir), 'identity.json');
  if (!existsSync(file)) return undefined;
  const parsed = NodeIdentitySchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? stixIdentityId(parsed.data.nodeId) : undefined;
}

/** Disabled pattern indicators per tenant, kept for the life of the thread. */
const disabledByTenant = new Map<string, Set<string>>();

function disabledOf(tenant: string): Set<string> {
  let s = disabledByTenant.get(tenant);
  if (!s) disabledByTenant.set(tenant, (s = new Set()));
  return s;
}

/** Options of `buildTenantDetector`. */
export interface TenantDetectorOptions {
  readonly identity?: string;
  readonly state?: ReadonlyMap<string, IntelState>;
  /** Pattern budget per batch, ms. */
  readonly budgetMs?: number;
  /** Told about each disabled indicator. */
  readonly onDisabled?: (tenant: string, d: DisabledIndicator) => void;
}

/** Builds the detector of one tenant from the node's SQLite database; undefined when it has no active indicator. */
export function buildTenantDetector(
  db: SqliteDb,
  tenant: string,
  o: TenantDetectorOptions = {},
): IocDetector | undefined {
  return buildTenantDetectorFrom(openSqliteCtiStore(db), tenant, o);
}

/** Builds the detector of one tenant from a CTI store (SQLite or PostgreSQL); undefined when it has no active indicator. */
export function buildTenantDetectorFrom(
  store: CtiStore,
  tenant: string,
  o: TenantDetectorOptions = {},
): IocDetector | undefined {
  const ctx = systemContext(tenant);
  const objects: Readonly<Record<string, unknown>>[] = [];
  let after: string | undefined;
  for (;;) {
    const page = store.query(ctx, {
      types: ['indicator'],
      includeRevoked: false,
      limit: PAGE,
      ...(after === undefined ? {} : { after }),
    });
    for (const s of page.objects) {
      const st = o.state?.get(s.id);
      if (st?.quarantined) continue;
      objects.push(st ? { ...s.object, confidence: Math.round(st.confidence) } : s.object);
    }
    if (!page.next) break;
    after = page.next;
  }
  if (objects.length === 0) return undefined;
  const set = indicatorsFromStix(objects);
  const index = new IocIndex();
  for (const s of set.simple) index.add(s);
  return new IocDetector({
    index,
    patterns: set.patterns,
    name: tenant,
    disabled: disabledOf(tenant),
    ...(o.identity === undefined ? {} : { identity: o.identity }),
    ...(o.budgetMs === undefined ? {} : { budgetMs: o.budgetMs }),
    ...(o.onDisabled === undefined ? {} : { onDisabled: (d: DisabledIndicator) => o.onDisabled?.(tenant, d) }),
  });
}

/** Dispatches batches to per-tenant indicator detectors. */
export class TenantIocDetector implements Detector {
  readonly kind = 'ioc';
  readonly id = 'ioc:cti-store';
  private readonly byTenant = new Map<string, IocDetector | undefined>();

  constructor(
    private readonly build: (tenant: string) => IocDetector | undefined,
    private readonly release: () => void | Promise<void> = () => undefined,
  ) {}

  /** Closes the store connection it read from. */
  close(): void | Promise<void> {
    this.byTenant.clear();
    return this.release();
  }

  /** Builds a tenant's detector now (at load, so the first batch does not wait). */
  warm(tenant: string): void {
    this.byTenant.set(tenant, this.build(tenant));
  }

  detect(events: readonly SocEvent[]): readonly AlertDraft[] {
    const tenant = events[0]?.tenant;
    if (tenant === undefined) return [];
    if (!this.byTenant.has(tenant)) this.warm(tenant);
    return this.byTenant.get(tenant)?.detect(events) ?? [];
  }
}

/** The federation's settings, when the node has a federation. */
function federationOf(dataDir: string): FederationConfig | undefined {
  try {
    return loadFederationConfig(dataDir);
  } catch {
    return undefined;
  }
}

/** Options of every tenant's detector, its intel state aside. */
function tenantOptions(spec: DetectorSpec, identity: string | undefined): TenantDetectorOptions {
  return {
    ...(identity === undefined ? {} : { identity }),
    ...(spec.iocBudgetMs === undefined ? {} : { budgetMs: spec.iocBudgetMs }),
    onDisabled: (t, d) =>
      process.emitWarning(
        `tenant ${t}: indicator ${d.id} disabled, it used ${d.spentMs} ms of the ${d.budgetMs} ms pattern budget of a batch`,
        { code: 'INTERSOC_IOC_DISABLED' },
      ),
  };
}

/** True for the URL of a PostgreSQL store. */
const isPgUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:\/\//.test(url);

/**
 * The detector over the shared PostgreSQL store: indicators from `cti_objects`, the federation
 * tenant's trust and quarantine from the `fed_*` tables (both come with `migratePg`), on one
 * connection of its own.
 */
async function pgIocDetector(spec: DetectorSpec, url: string): Promise<TenantIocDetector> {
  // Loaded only here: an embedded node's parse threads never load the PostgreSQL driver.
  const { openSyncPg } = await import('@intersoc/storage/postgres');
  const pg = openSyncPg(url);
  try {
    const store = new PgCtiStore(pg);
    const state = new PgFederationState(pg);
    const fed = federationOf(spec.dataDir);
    const base = tenantOptions(spec, nodeIdentity(spec.dataDir));
    const detector = new TenantIocDetector(
      (tenant) =>
        buildTenantDetectorFrom(store, tenant, {
          ...base,
          ...(fed && tenant === fed.tenant ? { state: state.readIntelState(tenant, fed.quarantine) } : {}),
        }),
      () => pg.close(),
    );
    const tenants = pg.query<{ tenant: string }>(
      "SELECT DISTINCT tenant FROM cti_objects WHERE type = 'indicator' ORDER BY tenant",
    );
    for (const t of tenants) detector.warm(t.tenant);
    return detector;
  } catch (err) {
    await pg.close();
    throw err;
  }
}

/** The factory behind the `ioc` kind. */
export async function iocDetectors(spec: DetectorSpec): Promise<Detector[]> {
  // Each thread parses the stored patterns again, under the node's limits.
  if (isPgUrl(spec.storeUrl)) {
    if (spec.patternLimits) configurePatternLimits(spec.patternLimits);
    return [await pgIocDetector(spec, spec.storeUrl)];
  }
  const file = path.join(spec.dataDir, NODE_DB_FILE);
  if (!existsSync(file)) return [];
  if (spec.patternLimits) configurePatternLimits(spec.patternLimits);
  const db = openDatabase(file);
  const fedTenant = federationOf(spec.dataDir);
  const base = tenantOptions(spec, nodeIdentity(spec.dataDir));
  const build = (tenant: string): IocDetector | undefined => {
    if (!hasTable(db, 'cti_objects')) return undefined;
    const state =
      fedTenant && tenant === fedTenant.tenant && hasTable(db, 'fed_reports')
        ? readIntelState(db, tenant, fedTenant.quarantine)
        : undefined;
    return buildTenantDetector(db, tenant, { ...base, ...(state === undefined ? {} : { state }) });
  };
  const detector = new TenantIocDetector(build, () => void db.close());
  if (hasTable(db, 'cti_objects')) {
    const tenants = db.prepare("SELECT DISTINCT tenant FROM cti_objects WHERE type = 'indicator'").all() as {
      tenant: string;
    }[];
    for (const t of tenants) detector.warm(t.tenant);
  }
  return [detector];
}
