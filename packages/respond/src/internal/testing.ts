/**
 * @module
 * A test harness for the engine: a real store and audit log on an in-memory (or file) database,
 * and executors and a connector whose behaviour the test scripts (count, fail n times, hang until
 * aborted), so flow semantics can be checked step by step. Real executors and connectors have
 * their own tests against real servers.
 */
import { systemContext, type AuthContext } from '@intersoc/core';
import { openDatabase, openSqliteAuthStores, SqliteAuditStore, type SqliteDb } from '@intersoc/storage';
import type { Playbook } from '../cacao/types.js';
import { CommandError, type CommandExecutor, type Connector } from '../commands/types.js';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { playbookDigest } from '../sign/playbook-signature.js';
import { SqliteRespondStore } from '../store/sqlite-respond-store.js';

/** A store on a fresh database. */
export function testStore(file = ':memory:'): { db: SqliteDb; store: SqliteRespondStore; audit: SqliteAuditStore } {
  const db = openDatabase(file);
  openSqliteAuthStores(db);
  const audit = new SqliteAuditStore(db);
  return { db, store: new SqliteRespondStore(db, audit), audit };
}

/** Adds a playbook as the tenant's. */
export function addPlaybook(store: SqliteRespondStore, ctx: AuthContext, p: Playbook): void {
  store.putPlaybook(ctx, {
    id: p.id,
    version: p.modified,
    name: p.name,
    digest: playbookDigest(p),
    source: 'local',
    signedBy: [],
    addedBy: ctx.user,
    addedAt: Date.now(),
    playbook: p,
  });
}

/** What the scripted executor saw. */
export interface Script {
  /** Calls per command text. */
  readonly calls: Map<string, number>;
  /** Command texts that fail this many more times. */
  readonly failures: Map<string, number>;
  /** Command texts that hang until aborted. */
  readonly hang: Set<string>;
  /** Reverts, in order. */
  readonly reverted: string[];
}

/** A scripted executor (`x-test`) and connector (`x-test`). */
export function scripted(): { script: Script; executor: CommandExecutor; connector: Connector } {
  const script: Script = { calls: new Map(), failures: new Map(), hang: new Set(), reverted: [] };
  const executor: CommandExecutor = {
    type: 'x-test',
    idempotent: (c) => c['idempotent'] === true,
    describe: (c, x) => `x-test ${x.substitute(String(c.command ?? ''))}`,
    async execute(c, x) {
      const text = x.substitute(String(c.command ?? ''));
      script.calls.set(text, (script.calls.get(text) ?? 0) + 1);
      if (script.hang.has(text)) {
        await new Promise((_, reject) => x.signal.addEventListener('abort', () => reject(x.signal.reason as Error)));
      }
      const f = script.failures.get(text) ?? 0;
      if (f > 0) {
        script.failures.set(text, f - 1);
        throw new CommandError(`scripted failure of ${text}`);
      }
      return {
        output: { ran: text },
        // The call count: a loop body that returns it through out_args counts its iterations.
        text: String(script.calls.get(text) ?? 0),
        ...(c['contain'] === true
          ? { actions: [{ connector: 'x-test', summary: `contained ${text}`, inverse: { undo: text } }] }
          : {}),
      };
    },
    approval: (c: { approval?: unknown }) => (typeof c.approval === 'string' ? c.approval : 'auto'),
  } as CommandExecutor;
  const connector: Connector = {
    name: 'x-test',
    async revert(inverse) {
      script.reverted.push(String(inverse['undo']));
    },
  };
  return { script, executor, connector };
}

/** An engine on a test store with the scripted executor. */
export function testEngine(o: Partial<EngineOptions> = {}, file?: string) {
  const t = testStore(file);
  const s = scripted();
  const engine = new Engine({
    store: t.store,
    executors: [s.executor],
    connectors: [s.connector],
    backoffMs: 10,
    ...o,
  });
  return { ...t, ...s, engine, ctx: { ...systemContext('t1'), user: 'alice', roles: ['analyst'] } as AuthContext };
}
