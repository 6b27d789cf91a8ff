/**
 * @module
 * Versioned migrations of the PostgreSQL store. Each step has a version and a name and runs once,
 * in its own transaction, recorded in `intersoc_migrations`. A transaction-level advisory lock
 * serialises concurrent `migratePg` calls (several roles starting at once), so each step runs
 * exactly once. Steps are append-only: never edit a released step, add a new one.
 *
 * The event schema mirrors the SQLite one (`events/schema.ts`):
 * - `ev_blocks`: one row per compressed block (the same `EncodedBlock` payload, as `bytea` stored
 *   out of line without TOAST compression, since it is brotli already), range-partitioned by day of
 *   the block's events; partitions are created on demand by the writer (`ensureDays`).
 * - `ev_ids`: event id → (block, position), partitioned the same way: the dedup key of a day.
 * - `ev_alerts`, `ev_dead_letters`: as in SQLite (alert ids in byte order, as SQLite compares).
 *
 * Step 2 holds the identity and audit tables (`auth/schema.ts`), step 3 the correlate state,
 * steps 4 and 5 the incident and case tables (`domains/`), whose stores live in their domains,
 * step 7 the place of the api role's incident builder. Steps 11–22 and 25 hold the other domain
 * stores (federation state, models, feedback, assets, alert triage, forecasts, cascade graphs and
 * state, reports, incident labels, training, privacy, TAXII), each with its `Pg…` class in its
 * domain package; step 23 the event term index, step 24 the change-time indexes the respond role
 * scans, step 26 the index behind the detect roles' indicator mark.
 */
import { AppError } from '@intersoc/core';
import { AUTH_STEP } from './auth/schema.js';
import type { PgSql } from './connect.js';
import { CORRELATE_STEP } from './correlate/schema.js';
import { CASES_STEP } from './domains/cases-schema.js';
import { CHANGE_SCAN_STEP, INDICATOR_MARK_STEP } from './domains/change-scan-schema.js';
import { CTI_STEP } from './domains/cti-schema.js';
import { FEDERATION_PEERS_STEP } from './domains/federation-schema.js';
import { INCIDENT_FEED_STEP } from './domains/incident-feed-schema.js';
import { FEDERATION_STATE_STEP } from './domains/federation-state-schema.js';
import { MODELS_STEP } from './domains/models-schema.js';
import { FEEDBACK_STEP } from './domains/feedback-schema.js';
import { ASSETS_STEP } from './domains/assets-schema.js';
import { ALERT_TRIAGE_STEP } from './domains/alert-triage-schema.js';
import { FORECAST_STEP } from './domains/forecast-schema.js';
import { CASCADE_STEP } from './domains/cascade-schema.js';
import { CASCADE_STATE_STEP } from './domains/cascade-state-schema.js';
import { REPORTS_STEP } from './domains/reports-schema.js';
import { INCIDENT_LABELS_STEP } from './domains/incident-labels-schema.js';
import { TRAIN_STEP } from './domains/train-schema.js';
import { PRIVACY_STEP } from './domains/privacy-schema.js';
import { TAXII_STEP } from './domains/taxii-schema.js';
import { EVENT_TERMS_STEP } from './domains/event-terms-schema.js';
import { INCIDENTS_STEP } from './domains/incidents-schema.js';
import { RESPOND_STEP } from './domains/respond-schema.js';
import { openPg, storageError } from './connect.js';
import { RULES_STEP } from './rules/schema.js';

/** One migration step. */
interface Step {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const STEPS: readonly Step[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE SEQUENCE ev_block_ids;
      CREATE TABLE ev_blocks (
        id bigint NOT NULL,
        tenant text NOT NULL,
        day integer NOT NULL,
        t_min bigint NOT NULL,
        t_max bigint NOT NULL,
        count integer NOT NULL,
        raw_bytes integer NOT NULL,
        stored_bytes integer NOT NULL,
        codec smallint NOT NULL,
        ver integer NOT NULL DEFAULT 0,
        data bytea NOT NULL,
        PRIMARY KEY (id, day)
      ) PARTITION BY RANGE (day);
      CREATE INDEX ev_blocks_meta ON ev_blocks (tenant, t_max, id) INCLUDE (t_min, count, raw_bytes, stored_bytes, ver, day);
      CREATE TABLE ev_ids (
        id bytea NOT NULL,
        day integer NOT NULL,
        block bigint NOT NULL,
        seq integer NOT NULL,
        PRIMARY KEY (id, day)
      ) PARTITION BY RANGE (day);
      CREATE TABLE ev_alerts (
        id text COLLATE "C" PRIMARY KEY,
        tenant text NOT NULL,
        time bigint NOT NULL,
        created bigint NOT NULL,
        severity text NOT NULL,
        rule_id text NOT NULL,
        doc text NOT NULL
      );
      CREATE INDEX ev_alerts_by_time ON ev_alerts (tenant, time, id);
      CREATE TABLE ev_dead_letters (
        id bigserial PRIMARY KEY,
        tenant text NOT NULL,
        time bigint NOT NULL,
        source text NOT NULL,
        reason text NOT NULL,
        raw bytea NOT NULL,
        "offset" bigint
      );
      CREATE INDEX ev_dead_letters_by_tenant ON ev_dead_letters (tenant, id);`,
  },
  { version: 2, name: 'auth', sql: AUTH_STEP },
  { version: 3, name: 'correlate', sql: CORRELATE_STEP },
  { version: 4, name: 'incidents', sql: INCIDENTS_STEP },
  { version: 5, name: 'cases', sql: CASES_STEP },
  // Shared Sigma rule packs and tuning (`rules/`).
  { version: 6, name: 'rules', sql: RULES_STEP },
  // The api role's incident builder: its place in ev_alerts (`domains/incident-feed-schema.ts`).
  { version: 7, name: 'incident-feed', sql: INCIDENT_FEED_STEP },
  // The playbook engine's store (`domains/respond-schema.ts`, `PgRespondStore` in @intersoc/respond).
  { version: 8, name: 'respond', sql: RESPOND_STEP },
  // The CTI objects (`domains/cti-schema.ts`, `PgCtiStore` in @intersoc/cti).
  { version: 9, name: 'cti', sql: CTI_STEP },
  // The federation peer registry (`domains/federation-schema.ts`, `PgPeerStore` in @intersoc/federation).
  { version: 10, name: 'federation-peers', sql: FEDERATION_PEERS_STEP },
  { version: 11, name: 'federation-state', sql: FEDERATION_STATE_STEP },
  { version: 12, name: 'models', sql: MODELS_STEP },
  { version: 13, name: 'feedback', sql: FEEDBACK_STEP },
  { version: 14, name: 'assets', sql: ASSETS_STEP },
  { version: 15, name: 'alert-triage', sql: ALERT_TRIAGE_STEP },
  { version: 16, name: 'forecast', sql: FORECAST_STEP },
  { version: 17, name: 'cascade', sql: CASCADE_STEP },
  { version: 18, name: 'reports', sql: REPORTS_STEP },
  { version: 19, name: 'incident-labels', sql: INCIDENT_LABELS_STEP },
  { version: 20, name: 'train', sql: TRAIN_STEP },
  { version: 21, name: 'privacy', sql: PRIVACY_STEP },
  { version: 22, name: 'taxii', sql: TAXII_STEP },
  { version: 23, name: 'event-terms', sql: EVENT_TERMS_STEP },
  // Incidents and cases by their last change, for the respond role's triggers.
  { version: 24, name: 'change-scan', sql: CHANGE_SCAN_STEP },
  { version: 25, name: 'cascade-state', sql: CASCADE_STATE_STEP },
  // The detect roles' indicator mark over every tenant.
  { version: 26, name: 'indicator-mark', sql: INDICATOR_MARK_STEP },
];

/** Advisory lock key of schema changes (migrations and new partitions). */
export const SCHEMA_LOCK = 0x1_50c_0001;

/** Applies the steps `sql` has not run yet; returns the names of those it applied. */
export async function migrateWith(sql: PgSql): Promise<string[]> {
  // Two steps under one version would leave the second never applied on a fresh store.
  if (new Set(STEPS.map((s) => s.version)).size !== STEPS.length)
    throw new AppError('CONFIG', `migration versions repeat: ${STEPS.map((s) => s.version).join(', ')}`);
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS intersoc_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set(
      (await tx<{ version: number }[]>`SELECT version FROM intersoc_migrations`).map((r) => r.version),
    );
    const applied: string[] = [];
    for (const step of STEPS) {
      if (done.has(step.version)) continue;
      // One transaction for the lock holder: a failing step leaves no step half-applied.
      await tx.unsafe(step.sql);
      await tx`INSERT INTO intersoc_migrations (version, name) VALUES (${step.version}, ${step.name})`;
      applied.push(`${step.version}-${step.name}`);
    }
    return applied;
  });
}

/**
 * Prepares the PostgreSQL store at `url`: creates or upgrades its tables. Idempotent.
 *
 * @example
 * const { applied } = await migratePg('postgres://postgres@127.0.0.1:5432/intersoc');
 */
export async function migratePg(url: string): Promise<{ applied: string[] }> {
  const sql = openPg(url, { max: 1 });
  try {
    return { applied: await migrateWith(sql) };
  } catch (err) {
    throw storageError(url, 'migration failed', err);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
