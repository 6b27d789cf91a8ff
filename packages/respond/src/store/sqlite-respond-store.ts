/**
 * @module
 * The respond store in the node's main database. Transitions are append-only (in commit order,
 * indexed by run number and seq, see `schema.ts`); the run row, the
 * open waits and the actions are indexes over them, maintained in the same transaction, together
 * with the audit entries (the node's hash-chained audit log, through a synchronous append on the
 * same database): a transition, its effects on the indexes and its audit entry commit at once.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import { migrate, type AuditEntry, type AuditInput, type SqliteDb } from '@intersoc/storage';
import type { RunSummary, Transition, TransitionBody } from '../engine/types.js';
import type { RespondStore } from './respond-store.js';
import { RESPOND_SCHEMA } from './schema.js';
import { bodyJson, deepFreeze, toStored, toSummary, type PlaybookRow, type RunRow } from './rows.js';
import type { OpenWait, PlaybookBrief, RunPage, RunWrite, StoredAction, StoredPlaybook } from './types.js';

/** Appends audit entries synchronously on the same database (`SqliteAuditStore.appendSync`). */
export interface SyncAuditLog {
  appendSync(input: AuditInput): AuditEntry;
  /** Appends many inside the caller's transaction (`SqliteAuditStore.appendBatchSync`). */
  appendBatchSync?(inputs: readonly AuditInput[]): void;
}

/** Parsed playbook versions kept (the oldest parsed goes first). */
const PARSED_CACHE = 256;
/** Run numbers of unfinished runs kept (all dropped when full: the row has them). */
const NUMBER_CACHE = 65_536;
/** Transitions per multi-row INSERT: one statement (one call into SQLite) per chunk. */
const LOG_CHUNK = 64;
const FINISHED_STATUS: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Run numbers of unfinished runs by tenant and run id: a map per tenant, so the lookup at every
 * write takes the run's id as it is (its hash kept with the string) instead of a key built for it.
 */
class RunNumbers {
  readonly #byTenant = new Map<string, Map<string, number>>();
  #size = 0;

  get(tenant: string, run: string): number | undefined {
    return this.#byTenant.get(tenant)?.get(run);
  }

  set(tenant: string, run: string, no: number): void {
    // All dropped when full: the rows have them.
    if (this.#size >= NUMBER_CACHE) this.clear();
    let m = this.#byTenant.get(tenant);
    if (!m) this.#byTenant.set(tenant, (m = new Map()));
    if (!m.has(run)) this.#size += 1;
    m.set(run, no);
  }

  delete(tenant: string, run: string): void {
    if (this.#byTenant.get(tenant)?.delete(run) === true) this.#size -= 1;
  }

  clear(): void {
    this.#byTenant.clear();
    this.#size = 0;
  }
}

/** The respond store. */
export class SqliteRespondStore implements RespondStore {
  readonly #db: SqliteDb;
  readonly #audit: SyncAuditLog;
  readonly #insertTransition;
  readonly #insertTransitions;
  readonly #maxNo;
  readonly #runNo;
  /** Run numbers (the log's key) by tenant and run id. */
  readonly #numbers = new RunNumbers();
  /** The next run number, read once per write transaction (undefined outside one). */
  #nextNo: number | undefined;
  readonly #upsertRun;
  readonly #getRun;
  readonly #closeWait;
  readonly #openWait;
  readonly #putAction;
  readonly #batch;
  readonly #playbookVersion;
  readonly #parsed = new Map<string, StoredPlaybook>();
  readonly #dataVersion;
  /** `PRAGMA data_version` when `#parsed` was last known to match the table (see `getPlaybook`). */
  #parsedAt = -1;

  constructor(db: SqliteDb, audit: SyncAuditLog) {
    this.#db = db;
    this.#audit = audit;
    migrate(db, 'respond', RESPOND_SCHEMA);
    this.#insertTransition = db.prepare('INSERT INTO respond_log (run_no, seq, time, body) VALUES (?, ?, ?, ?)');
    this.#insertTransitions = db.prepare(
      `INSERT INTO respond_log (run_no, seq, time, body) VALUES ${Array(LOG_CHUNK).fill('(?, ?, ?, ?)').join(', ')}`,
    );
    this.#maxNo = db.prepare('SELECT coalesce(max(no), 0) AS n FROM respond_runs').pluck();
    this.#runNo = db.prepare('SELECT no FROM respond_runs WHERE tenant = ? AND id = ?').pluck();
    this.#upsertRun = db.prepare(
      `INSERT INTO respond_runs (tenant, id, playbook_id, playbook_version, playbook_name, status, dry_run, requested_by,
         trigger, parent_run, created, updated, reason, trigger_ref, no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, updated = excluded.updated, reason = excluded.reason`,
    );
    this.#getRun = db.prepare('SELECT * FROM respond_runs WHERE tenant = ? AND id = ?');
    this.#closeWait = db.prepare('DELETE FROM respond_waits WHERE tenant = ? AND run = ? AND branch = ?');
    this.#openWait = db.prepare(
      `INSERT INTO respond_waits (tenant, run, branch, doc, expires) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, run, branch) DO UPDATE SET doc = excluded.doc, expires = excluded.expires`,
    );
    this.#putAction = db.prepare(
      `INSERT INTO respond_actions (tenant, run, seq, state, expires, doc) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant, run, seq) DO UPDATE SET state = excluded.state, expires = excluded.expires, doc = excluded.doc`,
    );
    this.#batch = db.transaction((writes: readonly RunWrite[]) => {
      // The write lock is held: the highest run number cannot change under us.
      this.#nextNo = undefined;
      const rows: (string | number)[] = [];
      for (const w of writes) this.#writeOne(w, rows);
      this.#appendLog(rows);
      // The batch's audit entries, in the order of its transitions, chained in this transaction.
      const audit: AuditInput[] = [];
      for (const w of writes) for (const e of w.audit) audit.push(e);
      const log = this.#audit;
      if (log.appendBatchSync) log.appendBatchSync(audit);
      else for (const e of audit) log.appendSync(e);
    });
    this.#playbookVersion = db.prepare('SELECT * FROM respond_playbooks WHERE tenant = ? AND id = ? AND version = ?');
    this.#latestVersion = db
      .prepare('SELECT version FROM respond_playbooks WHERE tenant = ? AND id = ? ORDER BY version DESC LIMIT 1')
      .pluck();
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  readonly #latestVersion;

  /** The database (the engine's callers share it). */
  get db(): SqliteDb {
    return this.#db;
  }

  // playbooks ---------------------------------------------------------------------------------

  /** Stores a playbook version; false when that version is already stored (same digest), CONFLICT when it differs. */
  putPlaybook(ctx: AuthContext, p: Omit<StoredPlaybook, 'tenant'>): boolean {
    this.#parsed.clear();
    const existing = this.#db
      .prepare('SELECT digest FROM respond_playbooks WHERE tenant = ? AND id = ? AND version = ?')
      .get(ctx.tenant, p.id, p.version) as { digest: string } | undefined;
    if (existing) {
      if (existing.digest === p.digest) {
        // The same version again (say, with a new signature): keep the newest document.
        this.#db
          .prepare('UPDATE respond_playbooks SET doc = ?, signed_by = ? WHERE tenant = ? AND id = ? AND version = ?')
          .run(JSON.stringify(p.playbook), JSON.stringify(p.signedBy), ctx.tenant, p.id, p.version);
        return false;
      }
      throw new AppError(
        'CONFLICT',
        `playbook ${p.id} version ${p.version} is already stored with other content; a changed playbook needs a later modified time`,
      );
    }
    this.#db
      .prepare(
        `INSERT INTO respond_playbooks (tenant, id, version, name, digest, source, tlp, signed_by, added_by, added_at, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        ctx.tenant,
        p.id,
        p.version,
        p.name,
        p.digest,
        p.source,
        p.tlp ?? null,
        JSON.stringify(p.signedBy),
        p.addedBy,
        p.addedAt,
        JSON.stringify(p.playbook),
      );
    return true;
  }

  /** One version of a playbook (the latest by default). */
  getPlaybook(ctx: AuthContext, id: string, version?: string): StoredPlaybook | undefined {
    // Every run reads its playbook. Parsed versions are kept while nothing else wrote to the
    // database: `data_version` changes when another connection commits, and this store's own
    // playbook writes (`putPlaybook`) clear the cache. Otherwise the row is read and parsed again.
    const dv = this.#dataVersion.get() as number;
    if (dv !== this.#parsedAt) {
      this.#parsed.clear();
      this.#parsedAt = dv;
    }
    // The latest version is kept under the version NUL (a `modified` time never holds one).
    const key = `${ctx.tenant}\0${id}\0${version ?? '\0'}`;
    const hit = this.#parsed.get(key);
    if (hit) return hit;
    const v = version ?? (this.#latestVersion.get(ctx.tenant, id) as string | undefined);
    if (v === undefined) return undefined;
    const exact = `${ctx.tenant}\0${id}\0${v}`;
    let stored = this.#parsed.get(exact);
    if (!stored) {
      const row = this.#playbookVersion.get(ctx.tenant, id, v) as PlaybookRow | undefined;
      if (!row) return undefined;
      // Frozen: runs share it, and none may change what another runs.
      stored = deepFreeze(toStored(row));
      this.#keep(exact, stored);
    }
    if (version === undefined) this.#keep(key, stored);
    return stored;
  }

  #keep(key: string, stored: StoredPlaybook): void {
    if (this.#parsed.size >= PARSED_CACHE) this.#parsed.delete(this.#parsed.keys().next().value as string);
    this.#parsed.set(key, stored);
  }

  /** The versions of a playbook, newest first. */
  versions(ctx: AuthContext, id: string): { version: string; digest: string; addedAt: number; source: string }[] {
    return (
      this.#db
        .prepare(
          'SELECT version, digest, added_at, source FROM respond_playbooks WHERE tenant = ? AND id = ? ORDER BY version DESC',
        )
        .all(ctx.tenant, id) as { version: string; digest: string; added_at: number; source: string }[]
    ).map((r) => ({ version: r.version, digest: r.digest, addedAt: r.added_at, source: r.source }));
  }

  /** Every playbook of the tenant, latest version each, by name. */
  listPlaybooks(ctx: AuthContext): PlaybookBrief[] {
    const rows = this.#db
      .prepare(
        `SELECT p.*, c.n FROM respond_playbooks p
         JOIN (SELECT id, max(version) AS v, count(*) AS n FROM respond_playbooks WHERE tenant = ? GROUP BY id) c
           ON c.id = p.id AND c.v = p.version
         WHERE p.tenant = ? ORDER BY p.name, p.id`,
      )
      .all(ctx.tenant, ctx.tenant) as (PlaybookRow & { n: number })[];
    return rows.map((r) => {
      const s = toStored(r);
      return {
        id: s.id,
        version: s.version,
        name: s.name,
        versions: r.n,
        source: s.source,
        ...(s.tlp ? { tlp: s.tlp } : {}),
        signedBy: s.signedBy,
        addedAt: s.addedAt,
        ...(s.playbook.description ? { description: s.playbook.description } : {}),
      };
    });
  }

  // runs --------------------------------------------------------------------------------------

  /** Writes runs' transitions, their index changes and audit entries in one transaction. */
  writeBatch(writes: readonly RunWrite[]): void {
    try {
      this.#batch.immediate(writes);
    } catch (err) {
      // Numbers handed out in a rolled-back transaction were never stored.
      this.#numbers.clear();
      throw err;
    }
  }

  /** The run's number: a new one for a run being created, else the stored one. */
  #numberOf(w: RunWrite): number {
    let no = this.#numbers.get(w.tenant, w.run);
    if (no !== undefined) return no;
    if (w.transitions[0]?.kind === 'run.created') {
      this.#nextNo ??= (this.#maxNo.get() as number) + 1;
      no = this.#nextNo++;
    } else {
      const stored = this.#runNo.get(w.tenant, w.run) as number | null | undefined;
      if (typeof stored !== 'number') throw new AppError('NOT_FOUND', `no run ${w.run}`);
      no = stored;
    }
    this.#numbers.set(w.tenant, w.run, no);
    return no;
  }

  /** Inserts the batch's transitions (flat: run number, seq, time, body), a chunk per statement. */
  #appendLog(log: readonly (string | number)[]): void {
    const width = 4 * LOG_CHUNK;
    let i = 0;
    for (; i + width <= log.length; i += width) this.#insertTransitions.run(log.slice(i, i + width));
    for (; i < log.length; i += 4) this.#insertTransition.run(log[i], log[i + 1], log[i + 2], log[i + 3]);
  }

  #writeOne(w: RunWrite, log: (string | number)[]): void {
    const last = w.transitions[w.transitions.length - 1];
    const no = this.#numberOf(w);
    if (w.row) {
      const r = w.row;
      this.#upsertRun.run(
        w.tenant,
        w.run,
        r.playbookId,
        r.playbookVersion,
        r.playbookName,
        r.status,
        r.dryRun ? 1 : 0,
        r.requestedBy,
        JSON.stringify(r.trigger),
        r.parentRun ?? null,
        r.created,
        last?.time ?? r.created,
        r.reason ?? null,
        r.trigger.ref ?? null,
        no,
      );
      // A finished run rarely writes again (rollback): its number is read back then.
      if (FINISHED_STATUS.has(r.status)) this.#numbers.delete(w.tenant, w.run);
    }
    const ts = w.transitions;
    const bodies = w.bodies;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as Transition;
      const b = bodies?.[i];
      log.push(no, t.seq, t.time, b === undefined ? bodyJson(t) : JSON.stringify(b));
    }
    for (const wt of w.waits ?? []) {
      if (wt.close) this.#closeWait.run(w.tenant, w.run, wt.close.branch);
      if (wt.open)
        this.#openWait.run(w.tenant, w.run, wt.open.branch, JSON.stringify(wt.open), wt.open.wait.expires ?? null);
    }
    for (const a of w.actions ?? []) {
      this.#putAction.run(
        w.tenant,
        w.run,
        a.seq,
        a.state,
        a.state === 'active' ? (a.expires ?? null) : null,
        JSON.stringify(a),
      );
    }
  }

  /** A run's transitions, in order. */
  transitions(ctx: AuthContext, run: string, after = 0): Transition[] {
    return (
      this.#db
        .prepare(
          `SELECT l.seq, l.time, l.body FROM respond_runs r JOIN respond_log l ON l.run_no = r.no
           WHERE r.tenant = ? AND r.id = ? AND l.seq > ? ORDER BY l.seq`,
        )
        .all(ctx.tenant, run, after) as { seq: number; time: number; body: string }[]
    ).map((r) => ({ ...(JSON.parse(r.body) as TransitionBody), seq: r.seq, time: r.time }));
  }

  /** One run. */
  getRun(ctx: AuthContext, id: string): RunSummary | undefined {
    const r = this.#getRun.get(ctx.tenant, id) as RunRow | undefined;
    return r ? toSummary(r) : undefined;
  }

  /** Runs of the tenant, newest first. */
  listRuns(
    ctx: AuthContext,
    q: {
      readonly status?: readonly string[];
      readonly playbook?: string;
      /** Incident or case id that triggered the runs. */
      readonly trigger?: string;
      readonly limit?: number;
      readonly before?: number;
    } = {},
  ): RunPage {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 100), 1), 1000);
    const where = ['tenant = ?'];
    const args: (string | number)[] = [ctx.tenant];
    if (q.status && q.status.length > 0) {
      where.push(`status IN (${q.status.map(() => '?').join(', ')})`);
      args.push(...q.status);
    }
    if (q.playbook) {
      where.push('playbook_id = ?');
      args.push(q.playbook);
    }
    if (q.trigger) {
      where.push('trigger_ref = ?');
      args.push(q.trigger);
    }
    if (q.before !== undefined) {
      where.push('created < ?');
      args.push(q.before);
    }
    const rows = this.#db
      .prepare(`SELECT * FROM respond_runs WHERE ${where.join(' AND ')} ORDER BY created DESC, id DESC LIMIT ?`)
      .all(...args, limit + 1) as RunRow[];
    const items = rows.slice(0, limit).map(toSummary);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextBefore: last.created } : { items };
  }

  /** Child runs (of playbook-action steps) of a run. */
  childRuns(ctx: AuthContext, run: string): string[] {
    return (
      this.#db
        .prepare('SELECT id FROM respond_runs WHERE tenant = ? AND parent_run = ? ORDER BY created')
        .all(ctx.tenant, run) as {
        id: string;
      }[]
    ).map((r) => r.id);
  }

  /** Runs of every tenant that have not finished: what an engine resumes at start (node-internal). */
  unfinishedRuns(): { tenant: string; id: string }[] {
    return this.#db
      .prepare("SELECT tenant, id FROM respond_runs WHERE status IN ('running', 'waiting') ORDER BY created")
      .all() as { tenant: string; id: string }[];
  }

  /** The approval inbox: open waits of the tenant, oldest first. */
  openWaits(ctx: AuthContext, run?: string): OpenWait[] {
    const rows = (
      run === undefined
        ? this.#db.prepare('SELECT doc FROM respond_waits WHERE tenant = ?').all(ctx.tenant)
        : this.#db.prepare('SELECT doc FROM respond_waits WHERE tenant = ? AND run = ?').all(ctx.tenant, run)
    ) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as OpenWait).sort((a, b) => a.since - b.since);
  }

  /** Actions of a run, oldest first. */
  actions(ctx: AuthContext, run: string): StoredAction[] {
    return (
      this.#db
        .prepare('SELECT doc FROM respond_actions WHERE tenant = ? AND run = ? ORDER BY seq')
        .all(ctx.tenant, run) as {
        doc: string;
      }[]
    ).map((r) => JSON.parse(r.doc) as StoredAction);
  }

  /** Active time-boxed actions of every tenant due by `now` (node-internal: the timebox sweeper). */
  dueActions(now: number): StoredAction[] {
    return (
      this.#db
        .prepare(
          "SELECT doc FROM respond_actions WHERE state = 'active' AND expires IS NOT NULL AND expires <= ? ORDER BY expires",
        )
        .all(now) as { doc: string }[]
    ).map((r) => JSON.parse(r.doc) as StoredAction);
  }

  // requests ------------------------------------------------------------------------------------

  /** Queues a request for the engine that drives runs; returns its id. */
  queueRequest(ctx: AuthContext, op: string, args: unknown): number {
    const r = this.#db
      .prepare('INSERT INTO respond_requests (tenant, caller, op, args, created) VALUES (?, ?, ?, ?, ?)')
      .run(ctx.tenant, JSON.stringify(ctx), op, JSON.stringify(args), Date.now());
    return Number(r.lastInsertRowid);
  }

  /** Open requests, oldest first (node-internal: the engine owner). */
  openRequests(limit = 100): { id: number; ctx: AuthContext; op: string; args: unknown }[] {
    return (
      this.#db
        .prepare('SELECT id, caller, op, args FROM respond_requests WHERE done = 0 ORDER BY id LIMIT ?')
        .all(limit) as {
        id: number;
        caller: string;
        op: string;
        args: string;
      }[]
    ).map((r) => ({
      id: r.id,
      ctx: JSON.parse(r.caller) as AuthContext,
      op: r.op,
      args: JSON.parse(r.args) as unknown,
    }));
  }

  /** Records a request's outcome. */
  finishRequest(id: number, outcome: { result?: unknown; error?: { code: string; message: string } }): void {
    this.#db
      .prepare('UPDATE respond_requests SET done = 1, result = ?, error = ? WHERE id = ?')
      .run(
        outcome.result === undefined ? null : JSON.stringify(outcome.result),
        outcome.error ? JSON.stringify(outcome.error) : null,
        id,
      );
  }

  /** A request's outcome, once done. */
  requestOutcome(id: number): { done: boolean; result?: unknown; error?: { code: string; message: string } } {
    const r = this.#db.prepare('SELECT done, result, error FROM respond_requests WHERE id = ?').get(id) as
      { done: number; result: string | null; error: string | null } | undefined;
    if (!r || r.done === 0) return { done: false };
    return {
      done: true,
      ...(r.result === null ? {} : { result: JSON.parse(r.result) as unknown }),
      ...(r.error === null ? {} : { error: JSON.parse(r.error) as { code: string; message: string } }),
    };
  }

  /** The soonest expiry of an active time-boxed action or an open wait (node-internal: timers). */
  nextDeadline(): number | undefined {
    const a = this.#db
      .prepare("SELECT min(expires) AS t FROM respond_actions WHERE state = 'active' AND expires IS NOT NULL")
      .get() as { t: number | null };
    const w = this.#db.prepare('SELECT min(expires) AS t FROM respond_waits WHERE expires IS NOT NULL').get() as {
      t: number | null;
    };
    const ts = [a.t, w.t].filter((t): t is number => t !== null);
    return ts.length > 0 ? Math.min(...ts) : undefined;
  }
}
