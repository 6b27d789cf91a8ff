/**
 * @module
 * The incident stage without a running server, for CLI commands: opens the node's databases,
 * catches up on alerts committed since the stage last ran (by `demo`, `ingest` or a stopped
 * server), and closes again. Beside a running server it is safe: whoever advances the alert
 * mark first writes, the other stops.
 */
import path from 'node:path';
import { type Config } from '@intersoc/core';
import { CaseService, CtiObservableEnricher, Nis2Service, SqliteCaseStore, SqliteFeedbackStore } from '@intersoc/cases';
import { openSqliteCtiStore } from '@intersoc/cti';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { loadCategoriser } from '../text/attach.js';
import { IncidentStage } from './stage.js';

/** What an offline run gets. */
export interface OfflineIncidents {
  readonly stage: IncidentStage;
  readonly cases: CaseService;
  readonly nis2: Nis2Service;
  /** Alerts taken in by the catch-up. */
  readonly caughtUp: number;
}

/** Runs `fn` with the incident stage (caught up unless `catchUp` is false) and case services. */
export function withIncidents<T>(config: Config, fn: (o: OfflineIncidents) => T, catchUp = true): T {
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  const reader = openEventReader(path.join(config.data, EVENTS_DB_FILE), createHydrator());
  try {
    const feedback = new SqliteFeedbackStore(db);
    // The same classifier a serving node uses: the learned categoriser where it has one.
    const classifier = loadCategoriser(config.data, () => undefined);
    const stage = new IncidentStage({
      db,
      reader,
      suppress: (a) => feedback.suppresses(a.tenant, a),
      ...(classifier ? { classifier } : {}),
    });
    const caughtUp = catchUp ? stage.catchUp() : 0;
    const cases = new CaseService({
      store: new SqliteCaseStore(db),
      incidents: stage.incidents,
      enricher: new CtiObservableEnricher(openSqliteCtiStore(db)),
      feedback,
    });
    return fn({ stage, cases, nis2: new Nis2Service(cases), caughtUp });
  } finally {
    reader.close();
    db.close();
  }
}
