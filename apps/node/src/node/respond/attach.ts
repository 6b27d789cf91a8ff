/**
 * @module
 * Adds response to a running node: the engine (once this process holds the respond lock; a CLI
 * command holding it for a moment is waited for), requests queued by CLI commands, the routes
 * under `/api/respond/`, run updates on the bus (`respond.<tenant>`, the dashboard's live view),
 * playbooks started by incidents whose RSIT class, ATT&CK technique or severity match and by cases
 * (opened or changed) that meet a playbook's `on_case` triggers, runs noted on the timeline of the
 * case (the incident's case, or the case that started them), and playbooks shared by peers
 * imported after their signatures verify with the peer's key.
 */
import type { FastifyInstance } from 'fastify';
import { systemContext, TENANT_PATTERN, type AuthContext, type Config } from '@intersoc/core';
import { registerRespondRoutes } from '@intersoc/api';
import type { Bus, Subscription } from '@intersoc/bus';
import type { CaseService } from '@intersoc/cases';
import type { SqliteIncidentStore } from '@intersoc/correlate';
import { openSqliteCtiStore } from '@intersoc/cti';
import type { Federation } from '@intersoc/federation';
import { queuedOps, serveRequests, type RespondRuntime, type RunOps, type RunSummary } from '@intersoc/respond';
import type { EventReader, SqliteDb, WriterLock } from '@intersoc/storage';
import { openRespond } from './open.js';
import { tryEngineLock } from './owner.js';
import { nodePorts } from './ports.js';
import { caseNoter } from './case-notes.js';
import { respondApiService } from './service.js';
import { playbookTriggers } from './triggers.js';
import { importSharedPlaybooks } from './shared.js';

/** What respond is built from. */
export interface RespondWiring {
  readonly config: Config;
  readonly db: SqliteDb;
  readonly bus: Bus;
  readonly reader?: EventReader;
  readonly incidents?: SqliteIncidentStore;
  readonly cases?: CaseService;
  readonly federation?: Federation;
  readonly onError: (err: unknown) => void;
}

/** The attached parts. */
export interface AttachedRespond {
  /** The playbooks and runs (training reads runs of its tenants and copies playbooks into them). */
  readonly store: RespondRuntime['store'];
  close(): Promise<void>;
}

const LOCK_RETRY_MS = 2000;
const REQUEST_POLL_MS = 250;
const IMPORT_EVERY_MS = 30_000;

/** Builds respond, registers its routes and starts its engine. */
export function attachRespond(app: FastifyInstance, w: RespondWiring): AttachedRespond {
  const cti = openSqliteCtiStore(w.db);
  const cases = w.cases;
  const noteOnCase = cases
    ? caseNoter({
        note: (ctx, id, text, details) => cases.note(ctx, id, text, details),
        incident: (ctx, id) => w.incidents?.get(ctx, id),
        onError: w.onError,
      })
    : () => undefined;
  const rt = openRespond(w.config, w.db, {
    ports: nodePorts({
      cti,
      ...(w.cases ? { cases: w.cases } : {}),
      ...(w.federation ? { federation: w.federation } : {}),
      ...(w.reader ? { reader: w.reader } : {}),
    }),
    engine: {
      log: (level, message, details) =>
        level === 'info' ? undefined : w.onError(new Error(`${message} ${JSON.stringify(details ?? {})}`)),
      onChange: (tenant, run) => {
        const s = rt.store.getRun(systemContext(tenant), run);
        if (s) void w.bus.publish(`respond.${tenant}`, s);
        if (s) noteOnCase(s);
      },
    },
  });
  let lock: WriterLock | undefined;
  let closed = false;
  const queued = queuedOps(rt.store);
  // The API acts on the engine directly once this process owns it; before that through the queue.
  const ops: RunOps = new Proxy({} as RunOps, {
    get: (_t, k: keyof RunOps) => (lock ? rt.engine[k].bind(rt.engine) : queued[k]),
  });

  const timers: NodeJS.Timeout[] = [];
  const takeLock = (): void => {
    if (closed || lock) return;
    lock = tryEngineLock(w.config.data, 'serve');
    if (!lock) {
      timers.push(setTimeout(takeLock, LOCK_RETRY_MS).unref());
      return;
    }
    void rt.engine.start().catch(w.onError);
    const poll = setInterval(() => void serveRequests(rt.store, rt.engine).catch(w.onError), REQUEST_POLL_MS);
    poll.unref();
    timers.push(poll);
  };
  takeLock();

  // Incidents start the playbooks whose triggers they meet, once per incident and playbook; cases
  // those marked `on_case` when opened or changed (a severity raised later counts). The case
  // service announces cases on `cases.<tenant>`.
  const triggers = playbookTriggers({
    store: rt.store,
    ops,
    incident: (ctx, id) => w.incidents?.get(ctx, id),
    ...(w.cases ? { case: (ctx: AuthContext, id: string) => w.cases?.store.get(ctx, id) } : {}),
    onError: w.onError,
  });
  const subs: Subscription[] = (['incidents', 'cases'] as const).map((kind) =>
    w.bus.subscribe(`${kind}.*`, (message, subject) => {
      const tenant = subject.split('.')[1] ?? '';
      const id = (message as { id?: unknown } | null)?.id;
      if (!TENANT_PATTERN.test(tenant) || typeof id !== 'string') return;
      void (kind === 'incidents' ? triggers.incident(tenant, id) : triggers.case(tenant, id));
    }),
  );

  // Playbooks shared by peers land in the CTI store; those signed by their sender are imported.
  const importTimer = setInterval(() => importSharedPlaybooks(rt, cti, w.onError), IMPORT_EVERY_MS);
  importTimer.unref();
  timers.push(importTimer);

  registerRespondRoutes(app, {
    respond: respondApiService({
      rt,
      ops,
      cti,
      live: (tenant, fn) => {
        const sub = w.bus.subscribe(`respond.${tenant}`, (m) => fn(m as RunSummary));
        return () => sub.unsubscribe();
      },
      ...(w.federation ? { federation: w.federation } : {}),
    }),
  });

  return {
    store: rt.store,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const s of subs) s.unsubscribe();
      await rt.engine.close();
      await rt.audit.checkpoint().catch(() => 0);
      lock?.release();
    },
  };
}
