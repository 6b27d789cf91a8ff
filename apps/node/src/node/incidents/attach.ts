/**
 * @module
 * Adds incidents and cases to a running node: the incident stage (woken by `alerts.*` on the
 * bus), the case service with observable enrichment from the node's CTI store, NIS2 deadline
 * warnings (checked every few minutes, each said once), false-positive suppressions, the API
 * routes, and the hook by which other SOCs' sightings link to incidents once federation
 * publishes them on `federation.sightings.<tenant>`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { systemContext, TENANT_PATTERN, type Config } from '@intersoc/core';
import { registerCaseRoutes, registerIncidentRoutes } from '@intersoc/api';
import type { Bus, Subscription } from '@intersoc/bus';
import {
  CaseService,
  CtiObservableEnricher,
  Nis2Service,
  SqliteCaseStore,
  SqliteFeedbackStore,
  type DueDeadline,
} from '@intersoc/cases';
import { openSqliteCtiStore } from '@intersoc/cti';
import type { IncidentClassifier } from '@intersoc/correlate';
import { SqliteAlertTriage, type SqliteDb, type SqliteEventReader } from '@intersoc/storage';
import { caseApiService, incidentApiService } from './services.js';
import { IncidentStage } from './stage.js';

/** How often NIS2 deadlines are checked. */
const WARN_EVERY_MS = 5 * 60_000;

/** A peer's sighting as federation publishes it. */
const SightingSchema = z.object({
  peer: z.string().min(1).max(256),
  ref: z.string().min(1).max(256),
  observable: z.string().min(1).max(2048),
  kind: z.string().max(32).default('sighting'),
  time: z.number().optional(),
});

/** What incidents and cases are built from. */
export interface IncidentWiring {
  readonly config: Config;
  /** The node's main database. */
  readonly db: SqliteDb;
  readonly reader: SqliteEventReader;
  readonly bus: Bus;
  readonly reloadDetectors: () => Promise<void>;
  readonly onError: (err: unknown) => void;
  /** Told about NIS2 deadlines that come close or pass. */
  readonly onDeadline?: (d: DueDeadline) => void;
  /** Classifies incidents into RSIT (the learned categoriser, gated by the rule table); the table alone by default. */
  readonly classifier?: IncidentClassifier;
}

/** The parts attached to the node. */
export interface AttachedIncidents {
  readonly stage: IncidentStage;
  readonly cases: CaseService;
  readonly nis2: Nis2Service;
  close(): void;
}

/** Builds the incident stage and case services, registers their routes and starts them. */
export function attachIncidents(app: FastifyInstance, w: IncidentWiring): AttachedIncidents {
  const feedback = new SqliteFeedbackStore(w.db);
  const stage = new IncidentStage({
    db: w.db,
    reader: w.reader,
    suppress: (a) => feedback.suppresses(a.tenant, a),
    ...(w.classifier ? { classifier: w.classifier } : {}),
    onError: w.onError,
    // Other stages (cascade impact) follow incidents on `incidents.<tenant>`.
    onChanges: (c) => {
      for (const i of c.incidents)
        void w.bus.publish(`incidents.${i.tenant}`, {
          id: i.id,
          hosts: i.hosts,
          firstSeen: i.firstSeen,
          title: i.title,
        });
    },
  });
  const enricher = new CtiObservableEnricher(openSqliteCtiStore(w.db));
  const cases = new CaseService({
    store: new SqliteCaseStore(w.db),
    incidents: stage.incidents,
    enricher,
    feedback,
    // Respond follows cases on `cases.<tenant>` (playbooks triggered by cases), as it follows incidents.
    onChange: (_ctx, c, change) => {
      w.bus.publish(`cases.${c.tenant}`, { id: c.id, change }).catch(w.onError);
    },
  });
  const nis2 = new Nis2Service(cases);
  const triage = new SqliteAlertTriage(w.reader.db);
  registerIncidentRoutes(app, { incidents: incidentApiService(stage, triage, enricher) });
  registerCaseRoutes(app, {
    cases: caseApiService({ cases, nis2, feedback, triage, data: w.config.data, reloadDetectors: w.reloadDetectors }),
  });
  stage.attach(w.bus);

  const subs: Subscription[] = [
    w.bus.subscribe('federation.sightings.*', (message, subject) => {
      const tenant = subject.split('.')[2] ?? '';
      const s = SightingSchema.safeParse(message);
      if (!TENANT_PATTERN.test(tenant) || !s.success) return;
      stage.incidents.linkObservable(systemContext(tenant), {
        peer: s.data.peer,
        kind: s.data.kind,
        ref: s.data.ref,
        observable: s.data.observable,
        time: s.data.time ?? Date.now(),
      });
    }),
  ];

  const warn = (): void => {
    try {
      const tenants = (
        w.db.prepare('SELECT DISTINCT tenant FROM cases WHERE significant = 1').all() as { tenant: string }[]
      ).map((r) => r.tenant);
      for (const t of tenants) for (const d of nis2.warn(systemContext(t))) w.onDeadline?.(d);
    } catch (err) {
      w.onError(err);
    }
  };
  const timer = setInterval(warn, WARN_EVERY_MS);
  timer.unref();

  return {
    stage,
    cases,
    nis2,
    close: () => {
      clearInterval(timer);
      for (const s of subs) s.unsubscribe();
      stage.close();
    },
  };
}
