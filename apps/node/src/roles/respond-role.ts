/**
 * @module
 * The `respond` role: the playbook engine on the PostgreSQL store (`PgRespondStore` over the
 * identity bridge, so run writes and their audit entries commit together as in the embedded node).
 * One engine drives the runs of a store at a time: the role holds a session advisory lock on a
 * connection of its own, and a second instance waits as a standby until the lock is free. A
 * process killed with SIGKILL loses its connection, PostgreSQL frees the lock at once, and the
 * next holder resumes every unfinished run from its transition log (`Engine.start`): steps done
 * are not done again, a non-idempotent step that was in flight waits for a person. Operations
 * (start, approve, resolve, …) reach it through the store's request queue (`queuedOps` of
 * `@intersoc/respond`), as a CLI beside the embedded node hands them over; the `api` role queues
 * them the same way. The driving instance also starts the playbooks that incidents and cases
 * call for (`respond-triggers.ts`, read from the store), and notes their runs on the case timeline. Agents and secrets come from
 * `<data>/respond/<tenant>/` of this host.
 */
import { AppError, systemContext, type Config } from '@intersoc/core';
import { FileAgentDirectory, PgRespondStore, respondEngine, serveRequests, type Engine } from '@intersoc/respond';
import { openPg, openPgAuthStores, type PgAuthStores, type PgSql } from '@intersoc/storage/postgres';
import { CaseService, PgCaseStore, PgFeedbackStore } from '@intersoc/cases';
import { PgIncidentStore } from '@intersoc/correlate';
import { openAuditKeyRing } from '../node/audit-keys.js';
import { caseNoter } from '../node/respond/case-notes.js';
import { playbookTriggers } from '../node/respond/triggers.js';
import { startTriggerScan, type TriggerScan } from './respond-triggers.js';

/** Key of the advisory lock that makes one engine the driver of a store's runs. */
export const RESPOND_ENGINE_LOCK = 0x1_50c_0008;
/** How often the role looks for queued operations, and a standby for the lock. */
const REQUEST_POLL_MS = 250;
const LOCK_RETRY_MS = 1_000;

/** A running respond role. */
export interface RunningRespond {
  /** Resolves once this instance holds the lock and has resumed the unfinished runs. */
  readonly driving: Promise<void>;
  close(): Promise<void>;
}

/** Starts the respond role on the PostgreSQL store `config.store.url`. */
export async function startRespondRole(config: Config, log: (m: string) => void): Promise<RunningRespond> {
  const url = config.store.url;
  if (url === undefined || !/^postgres(ql)?:\/\//.test(url))
    throw new AppError(
      'CONFIG',
      'the respond role needs a PostgreSQL store: --store postgres://…, store.url, or INTERSOC_STORE_URL',
    );
  const lockConn: PgSql = openPg(url, { max: 1 });
  let stores: PgAuthStores | undefined;
  let engine: Engine | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let scan: TriggerScan | undefined;
  const close = async (): Promise<void> => {
    closed = true;
    clearTimeout(timer);
    scan?.close();
    // Finish what is in hand (a step's commit), then let go of the lock with the connection.
    await engine?.close();
    await stores?.close();
    await lockConn.end({ timeout: 5 });
  };
  try {
    stores = openPgAuthStores(url, { auditKeys: openAuditKeyRing(config.data) });
    const [migrated] = stores.pg.query<{ t: string | null }>("SELECT to_regclass('respond_runs')::text AS t");
    if (!migrated?.t)
      throw new AppError(
        'CONFIG',
        'the PostgreSQL store has no respond tables: run `intersoc db migrate --store <url>`',
      );
    const pg = stores.pg;
    const store = new PgRespondStore(pg, stores.audit);
    const incidents = new PgIncidentStore(pg);
    const cases = new PgCaseStore(pg);
    // Runs answering an incident in a case (or a case) go on that case's timeline, as on the node.
    const caseService = new CaseService({ store: cases, incidents, feedback: new PgFeedbackStore(pg) });
    const noteOnCase = caseNoter({
      note: (ctx, id, text, details) => caseService.note(ctx, id, text, details),
      incident: (ctx, id) => incidents.get(ctx, id),
      onError: (err) => log(`respond error: ${(err as Error).message}`),
    });
    // No node ports: the `intersoc` executor and the detectors/federation connectors act on a
    // node's own services, which a role process does not have; their steps fail with the reason.
    const eng = respondEngine(
      store,
      new FileAgentDirectory(config.data),
      {},
      {
        // As the node: warnings and errors only (info is every step).
        log: (level, message, details) =>
          level === 'info'
            ? undefined
            : log(`respond ${level}: ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
        onChange: (tenant, run) => {
          const s = store.getRun(systemContext(tenant), run);
          if (s) noteOnCase(s);
        },
      },
    );
    engine = eng;
    const driving = (async () => {
      // Session lock: held while this connection lives (a killed process's is freed at once).
      let waiting = false;
      for (;;) {
        if (closed) return;
        const [row] = await lockConn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${RESPOND_ENGINE_LOCK}) AS ok`;
        if (row?.ok) break;
        if (!waiting) log('respond: another instance drives the runs; standing by');
        waiting = true;
        await new Promise((r) => (timer = setTimeout(r, LOCK_RETRY_MS)));
      }
      const resumed = await eng.start();
      log(`respond: driving runs (resumed ${resumed.resumed}, ${resumed.inDoubt} step(s) in doubt)`);
      // Incidents and cases start their playbooks here, where the engine is.
      scan = startTriggerScan({
        incidents,
        cases,
        triggers: playbookTriggers({
          store,
          ops: eng,
          incident: (ctx, id) => incidents.get(ctx, id),
          case: (ctx, id) => cases.get(ctx, id),
          onError: (err) => log(`respond error: ${(err as Error).message}`),
        }),
        onError: (err) => log(`respond error: ${(err as Error).message}`),
      });
      const poll = (): void => {
        if (closed) return;
        serveRequests(store, eng)
          .catch((err: unknown) => log(`respond error: ${(err as Error).message}`))
          .finally(() => {
            if (!closed) timer = setTimeout(poll, REQUEST_POLL_MS);
          });
      };
      poll();
    })();
    driving.catch((err: unknown) => log(`respond error: ${(err as Error).message}`));
    return { driving, close };
  } catch (err) {
    await close();
    throw err;
  }
}
