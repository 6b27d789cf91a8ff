/**
 * @module
 * The respond store on PostgreSQL (migration step `8-respond`, `intersoc db migrate`), over the
 * synchronous bridge (`SyncPg` of `@intersoc/storage/postgres`), so the engine calls it exactly as
 * it calls `SqliteRespondStore`. A batch of run writes is one transaction: the run rows, the
 * transitions, the waits, the actions and the audit entries (through `PgAuditStore.appendBatchSync`
 * on the same bridge) commit together, as they do on SQLite. Run numbers come from a sequence
 * (several engines may write), not from `max(no) + 1` under SQLite's single write lock. Playbooks
 * are read on every call, not cached: another process may add a version at any time, and there is
 * no cheap `data_version` to tell.
 */
import { AppError, type AuthContext } from '@intersoc/core';
import type { Statement, SyncPg } from '@intersoc/storage/postgres';
import type { RunSummary, Transition, TransitionBody } from '../engine/types.js';
import type { QueuedRequest, RequestOutcome, RespondStore, RunQuery } from './respond-store.js';
import type { SyncAuditLog } from './sqlite-respond-store.js';
import { bodyJson, deepFreeze, toStored, toSummary, type PlaybookRow, type RunRow } from './rows.js';
import type { OpenWait, PlaybookBrief, RunPage, RunWrite, StoredAction, StoredPlaybook } from './types.js';

const RUN_COLUMNS = `tenant, id, playbook_id, playbook_version, playbook_name, status, dry_run, requested_by, trigger,
  parent_run, created, updated, reason`;

const UPSERT_RUN = `INSERT INTO respond_runs (${RUN_COLUMNS}, trigger_ref, no)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, nextval('respond_run_numbers'))
  ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, updated = excluded.updated, reason = excluded.reason`;

/**
 * A run's transitions in one statement: `[seq, time, body]` triples as one JSON parameter, keyed by
 * the run's number (no row, no insert: the caller counts and refuses a write to an unknown run).
 */
const APPEND_LOG = `INSERT INTO respond_log (run_no, seq, time, body)
  SELECT r.no, (e.v->>0)::integer, (e.v->>1)::bigint, e.v->>2
  FROM respond_runs r, jsonb_array_elements(($3::text)::jsonb) WITH ORDINALITY AS e(v, i)
  WHERE r.tenant = $1 AND r.id = $2 ORDER BY e.i`;

/** The respond store in the PostgreSQL store. */
export class PgRespondStore implements RespondStore {
  readonly #pg: SyncPg;
  readonly #audit: SyncAuditLog;

  /** `pg` must point at a store migrated by `migratePg`; `audit` appends on the same bridge (`PgAuditStore`). */
  constructor(pg: SyncPg, audit: SyncAuditLog) {
    this.#pg = pg;
    this.#audit = audit;
  }

  /** The bridge (callers that write beside the store share its connection and transactions). */
  get pg(): SyncPg {
    return this.#pg;
  }

  // playbooks ---------------------------------------------------------------------------------

  putPlaybook(ctx: AuthContext, p: Omit<StoredPlaybook, 'tenant'>): boolean {
    return this.#pg.transaction(() => {
      const inserted = this.#pg.run(
        `INSERT INTO respond_playbooks (tenant, id, version, name, digest, source, tlp, signed_by, added_by, added_at, doc)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [
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
        ],
      );
      if (inserted === 1) return true;
      // The same version again (say, with a new signature): keep the newest document.
      const same = this.#pg.run(
        `UPDATE respond_playbooks SET doc = $1, signed_by = $2 WHERE tenant = $3 AND id = $4 AND version = $5 AND digest = $6`,
        [JSON.stringify(p.playbook), JSON.stringify(p.signedBy), ctx.tenant, p.id, p.version, p.digest],
      );
      if (same === 1) return false;
      throw new AppError(
        'CONFLICT',
        `playbook ${p.id} version ${p.version} is already stored with other content; a changed playbook needs a later modified time`,
      );
    });
  }

  getPlaybook(ctx: AuthContext, id: string, version?: string): StoredPlaybook | undefined {
    const rows =
      version === undefined
        ? this.#pg.query<PlaybookRow>(
            'SELECT * FROM respond_playbooks WHERE tenant = $1 AND id = $2 ORDER BY version DESC LIMIT 1',
            [ctx.tenant, id],
          )
        : this.#pg.query<PlaybookRow>(
            'SELECT * FROM respond_playbooks WHERE tenant = $1 AND id = $2 AND version = $3',
            [ctx.tenant, id, version],
          );
    // Frozen: runs share it, and none may change what another runs.
    return rows[0] ? deepFreeze(toStored(rows[0])) : undefined;
  }

  versions(ctx: AuthContext, id: string): { version: string; digest: string; addedAt: number; source: string }[] {
    return this.#pg
      .query<{ version: string; digest: string; added_at: number; source: string }>(
        'SELECT version, digest, added_at, source FROM respond_playbooks WHERE tenant = $1 AND id = $2 ORDER BY version DESC',
        [ctx.tenant, id],
      )
      .map((r) => ({ version: r.version, digest: r.digest, addedAt: r.added_at, source: r.source }));
  }

  listPlaybooks(ctx: AuthContext): PlaybookBrief[] {
    const rows = this.#pg.query<PlaybookRow & { n: number }>(
      `SELECT p.*, c.n FROM respond_playbooks p
       JOIN (SELECT id, max(version) AS v, count(*) AS n FROM respond_playbooks WHERE tenant = $1 GROUP BY id) c
         ON c.id = p.id AND c.v = p.version
       WHERE p.tenant = $1 ORDER BY p.name, p.id`,
      [ctx.tenant],
    );
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

  writeBatch(writes: readonly RunWrite[]): void {
    const st: Statement[] = [];
    /** Index of each run's log statement and how many rows it must insert. */
    const logs: { at: number; n: number; run: string }[] = [];
    for (const w of writes) this.#statementsOf(w, st, logs);
    const audit = writes.flatMap((w) => w.audit);
    this.#pg.transaction(() => {
      const results = st.length > 0 ? this.#pg.batch(st) : [];
      for (const l of logs) if ((results[l.at]?.count ?? 0) !== l.n) throw new AppError('NOT_FOUND', `no run ${l.run}`);
      // The batch's audit entries, in the order of its transitions, chained in this transaction.
      const log = this.#audit;
      if (log.appendBatchSync) log.appendBatchSync(audit);
      else for (const e of audit) log.appendSync(e);
    });
  }

  #statementsOf(w: RunWrite, st: Statement[], logs: { at: number; n: number; run: string }[]): void {
    const last = w.transitions[w.transitions.length - 1];
    if (w.row) {
      const r = w.row;
      st.push({
        text: UPSERT_RUN,
        params: [
          w.tenant,
          w.run,
          r.playbookId,
          r.playbookVersion,
          r.playbookName,
          r.status,
          r.dryRun,
          r.requestedBy,
          JSON.stringify(r.trigger),
          r.parentRun ?? null,
          r.created,
          last?.time ?? r.created,
          r.reason ?? null,
          r.trigger.ref ?? null,
        ],
      });
    }
    if (w.transitions.length > 0) {
      const triples = w.transitions.map((t, i) => {
        const b = w.bodies?.[i];
        return [t.seq, t.time, b === undefined ? bodyJson(t) : JSON.stringify(b)];
      });
      logs.push({ at: st.length, n: triples.length, run: w.run });
      st.push({ text: APPEND_LOG, params: [w.tenant, w.run, JSON.stringify(triples)] });
    }
    for (const wt of w.waits ?? []) {
      if (wt.close)
        st.push({
          text: 'DELETE FROM respond_waits WHERE tenant = $1 AND run = $2 AND branch = $3',
          params: [w.tenant, w.run, wt.close.branch],
        });
      if (wt.open)
        st.push({
          text: `INSERT INTO respond_waits (tenant, run, branch, doc, expires) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant, run, branch) DO UPDATE SET doc = excluded.doc, expires = excluded.expires`,
          params: [w.tenant, w.run, wt.open.branch, JSON.stringify(wt.open), wt.open.wait.expires ?? null],
        });
    }
    for (const a of w.actions ?? [])
      st.push({
        text: `INSERT INTO respond_actions (tenant, run, seq, state, expires, doc) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (tenant, run, seq) DO UPDATE SET state = excluded.state, expires = excluded.expires, doc = excluded.doc`,
        params: [w.tenant, w.run, a.seq, a.state, a.state === 'active' ? (a.expires ?? null) : null, JSON.stringify(a)],
      });
  }

  transitions(ctx: AuthContext, run: string, after = 0): Transition[] {
    return this.#pg
      .query<{ seq: number; time: number; body: string }>(
        `SELECT l.seq, l.time, l.body FROM respond_runs r JOIN respond_log l ON l.run_no = r.no
         WHERE r.tenant = $1 AND r.id = $2 AND l.seq > $3 ORDER BY l.seq`,
        [ctx.tenant, run, after],
      )
      .map((r) => ({ ...(JSON.parse(r.body) as TransitionBody), seq: r.seq, time: r.time }));
  }

  getRun(ctx: AuthContext, id: string): RunSummary | undefined {
    const r = this.#pg.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM respond_runs WHERE tenant = $1 AND id = $2`, [
      ctx.tenant,
      id,
    ])[0];
    return r ? toSummary(r) : undefined;
  }

  listRuns(ctx: AuthContext, q: RunQuery = {}): RunPage {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 100), 1), 1000);
    const args: (string | number)[] = [ctx.tenant];
    const where = ['tenant = $1'];
    const arg = (v: string | number) => `$${args.push(v)}`;
    if (q.status && q.status.length > 0) where.push(`status IN (${q.status.map(arg).join(', ')})`);
    if (q.playbook) where.push(`playbook_id = ${arg(q.playbook)}`);
    if (q.trigger) where.push(`trigger_ref = ${arg(q.trigger)}`);
    if (q.before !== undefined) where.push(`created < ${arg(q.before)}`);
    const rows = this.#pg.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM respond_runs WHERE ${where.join(' AND ')} ORDER BY created DESC, id DESC LIMIT ${arg(limit + 1)}`,
      args,
    );
    const items = rows.slice(0, limit).map(toSummary);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextBefore: last.created } : { items };
  }

  childRuns(ctx: AuthContext, run: string): string[] {
    return this.#pg
      .query<{ id: string }>('SELECT id FROM respond_runs WHERE tenant = $1 AND parent_run = $2 ORDER BY created', [
        ctx.tenant,
        run,
      ])
      .map((r) => r.id);
  }

  unfinishedRuns(): { tenant: string; id: string }[] {
    return this.#pg.query<{ tenant: string; id: string }>(
      "SELECT tenant, id FROM respond_runs WHERE status IN ('running', 'waiting') ORDER BY created",
    );
  }

  openWaits(ctx: AuthContext, run?: string): OpenWait[] {
    const rows =
      run === undefined
        ? this.#pg.query<{ doc: string }>('SELECT doc FROM respond_waits WHERE tenant = $1', [ctx.tenant])
        : this.#pg.query<{ doc: string }>('SELECT doc FROM respond_waits WHERE tenant = $1 AND run = $2', [
            ctx.tenant,
            run,
          ]);
    return rows.map((r) => JSON.parse(r.doc) as OpenWait).sort((a, b) => a.since - b.since);
  }

  actions(ctx: AuthContext, run: string): StoredAction[] {
    return this.#pg
      .query<{ doc: string }>('SELECT doc FROM respond_actions WHERE tenant = $1 AND run = $2 ORDER BY seq', [
        ctx.tenant,
        run,
      ])
      .map((r) => JSON.parse(r.doc) as StoredAction);
  }

  dueActions(now: number): StoredAction[] {
    return this.#pg
      .query<{ doc: string }>(
        "SELECT doc FROM respond_actions WHERE state = 'active' AND expires IS NOT NULL AND expires <= $1 ORDER BY expires",
        [now],
      )
      .map((r) => JSON.parse(r.doc) as StoredAction);
  }

  // requests ------------------------------------------------------------------------------------

  queueRequest(ctx: AuthContext, op: string, args: unknown): number {
    const r = this.#pg.query<{ id: number }>(
      'INSERT INTO respond_requests (tenant, caller, op, args, created) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [ctx.tenant, JSON.stringify(ctx), op, JSON.stringify(args), Date.now()],
    );
    return (r[0] as { id: number }).id;
  }

  openRequests(limit = 100): QueuedRequest[] {
    return this.#pg
      .query<{ id: number; caller: string; op: string; args: string }>(
        'SELECT id, caller, op, args FROM respond_requests WHERE NOT done ORDER BY id LIMIT $1',
        [limit],
      )
      .map((r) => ({
        id: r.id,
        ctx: JSON.parse(r.caller) as AuthContext,
        op: r.op,
        args: JSON.parse(r.args) as unknown,
      }));
  }

  finishRequest(id: number, outcome: { result?: unknown; error?: { code: string; message: string } }): void {
    this.#pg.run('UPDATE respond_requests SET done = true, result = $1, error = $2 WHERE id = $3', [
      outcome.result === undefined ? null : JSON.stringify(outcome.result),
      outcome.error ? JSON.stringify(outcome.error) : null,
      id,
    ]);
  }

  requestOutcome(id: number): RequestOutcome {
    const r = this.#pg.query<{ done: boolean; result: string | null; error: string | null }>(
      'SELECT done, result, error FROM respond_requests WHERE id = $1',
      [id],
    )[0];
    if (!r || !r.done) return { done: false };
    return {
      done: true,
      ...(r.result === null ? {} : { result: JSON.parse(r.result) as unknown }),
      ...(r.error === null ? {} : { error: JSON.parse(r.error) as { code: string; message: string } }),
    };
  }

  nextDeadline(): number | undefined {
    const [a, w] = this.#pg.batch([
      { text: "SELECT min(expires) AS t FROM respond_actions WHERE state = 'active' AND expires IS NOT NULL" },
      { text: 'SELECT min(expires) AS t FROM respond_waits WHERE expires IS NOT NULL' },
    ]);
    const ts = [a?.rows[0]?.['t'], w?.rows[0]?.['t']].filter((t): t is number => typeof t === 'number');
    return ts.length > 0 ? Math.min(...ts) : undefined;
  }
}
