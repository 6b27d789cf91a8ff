/**
 * @module
 * Test fixtures: a node database with incidents built from a few alerts, and the services over it.
 */
import type { Alert, AuthContext, Entity, Severity } from '@intersoc/core';
import { systemContext } from '@intersoc/core';
import { IncidentBuilder, SqliteIncidentStore, type IncidentStore } from '@intersoc/correlate';
import { openDatabase, type SqliteDb } from '@intersoc/storage';
import { CaseService } from '../cases/case-service.js';
import { SqliteFeedbackStore } from '../feedback/feedback.js';
import type { ObservableEnricher } from '../observables/enricher.js';
import { SqliteCaseStore } from '../store/sqlite-case-store.js';
import type { CaseStore } from '../store/types.js';

let n = 0;

/** An alert; entities as `type=value` or `type/role=value`. */
export function alert(o: {
  time: number;
  rule?: string;
  severity?: Severity;
  tactics?: string[];
  techniques?: string[];
  entities: string[];
  tenant?: string;
}): Alert {
  n++;
  const entities: Entity[] = o.entities.map((s) => {
    const eq = s.indexOf('=');
    const [type, role] = s.slice(0, eq).split('/');
    const value = s.slice(eq + 1);
    return role === undefined ? { type: type as Entity['type'], value } : { type: type as Entity['type'], value, role };
  });
  const rule = o.rule ?? 'r1';
  return {
    id: `a${n}`,
    tenant: o.tenant ?? 't1',
    created: o.time,
    time: o.time,
    detector: { kind: 'sigma', ruleId: rule, ruleTitle: `Rule ${rule}` },
    severity: o.severity ?? 'high',
    tactics: o.tactics ?? ['execution'],
    techniques: o.techniques ?? ['T1059.001'],
    entities,
    eventIds: [`e${n}`],
    summary: `Rule ${rule}`,
  };
}

/** The incident and case stores a world runs on: SQLite in memory unless a test file sets another. */
export interface WorldStores {
  readonly incidents: IncidentStore & Pick<SqliteIncidentStore, 'incidentsOfAlerts' | 'closeWithReason'>;
  readonly cases: CaseStore;
}

let storesOf: ((db: SqliteDb) => WorldStores) | undefined;

/**
 * Makes every later `world()` of this test file use other incident and case stores (emptied by
 * the factory): `pg-case-store.test.ts` runs the service suites on PostgreSQL this way. The
 * feedback store stays on the world's SQLite database.
 */
export function setWorldStores(factory: (db: SqliteDb) => WorldStores): void {
  storesOf = factory;
}

/** A database with the stores and a case service over them. */
export interface World {
  readonly db: SqliteDb;
  readonly incidents: WorldStores['incidents'];
  readonly feedback: SqliteFeedbackStore;
  readonly cases: CaseService;
  readonly clock: { now: number };
  /** Builds incidents of the alerts and stores them; returns the incident ids in creation order. */
  ingest(alerts: readonly Alert[]): string[];
}

export const T0 = Date.UTC(2025, 2, 4, 9);

/** A fresh world. */
export function world(o: { enricher?: ObservableEnricher; maxAttachmentBytes?: number } = {}): World {
  const db = openDatabase(':memory:');
  const clock = { now: T0 + 3_600_000 };
  const now = (): number => clock.now;
  const stores = storesOf?.(db) ?? { incidents: new SqliteIncidentStore(db), cases: new SqliteCaseStore(db) };
  const incidents = stores.incidents;
  const feedback = new SqliteFeedbackStore(db, now);
  const cases = new CaseService({
    store: stores.cases,
    incidents,
    feedback,
    now,
    ...(o.enricher ? { enricher: o.enricher } : {}),
    ...(o.maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes: o.maxAttachmentBytes }),
  });
  const builder = new IncidentBuilder({ now });
  return {
    db,
    incidents,
    feedback,
    cases,
    clock,
    ingest(alerts) {
      const ids: string[] = [];
      for (const a of alerts) {
        const r = builder.add(a);
        if (r.kind === 'added' && r.created) ids.push(r.incident);
      }
      const changes = builder.drain();
      for (const t of new Set(alerts.map((a) => a.tenant))) {
        incidents.apply(systemContext(t), {
          ...changes,
          incidents: changes.incidents.filter((i) => i.tenant === t),
          members: changes.members.filter((m) => m.alert.tenant === t),
          merged: changes.merged.filter((m) => m.tenant === t),
        });
      }
      return ids;
    },
  };
}

/** Contexts of each role in tenant t1, and an admin of t2. */
export const ROLES_T1: Readonly<Record<'admin' | 'analyst' | 'viewer' | 'partner', AuthContext>> = {
  admin: { tenant: 't1', user: 'ada', roles: ['admin'], via: 'token' },
  analyst: { tenant: 't1', user: 'ann', roles: ['analyst'], via: 'token' },
  viewer: { tenant: 't1', user: 'vic', roles: ['viewer'], via: 'token' },
  partner: { tenant: 't1', user: 'pat', roles: ['partner'], via: 'token' },
};
export const OTHER_TENANT: AuthContext = { tenant: 't2', user: 'eve', roles: ['admin'], via: 'token' };
