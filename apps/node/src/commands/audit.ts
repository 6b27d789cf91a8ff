/**
 * @module
 * `intersoc audit verify [--tenant T] [--json]`: verifies the node's hash-chained audit log (API
 * calls, logins, and every playbook run, step, approval, command and rollback) against its
 * signed checkpoints, and names what is wrong: the first entry that breaks the chain, and every
 * entry found changed (its content no longer matches its hash), missing (a gap in the sequence)
 * or out of order (it does not follow the entry before it), with its action, target and time.
 * Exits 1 when a chain is broken.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, DEFAULT_TENANT, isoTime, systemContext } from '@intersoc/core';
import {
  auditEntryHash,
  NODE_DB_FILE,
  openDatabase,
  type AuditEntry,
  type AuditStore,
  type AuditVerification,
} from '@intersoc/storage';
import { openNodeAuthStores } from '../node/audit-keys.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

/** One named problem. */
interface Finding {
  readonly seq: number;
  readonly problem: 'changed' | 'missing' | 'out of order';
  readonly action?: string;
  readonly target?: string | null;
  readonly time?: string;
}

const MAX_FINDINGS = 100;

const named = (e: AuditEntry | undefined): Pick<Finding, 'action' | 'target' | 'time'> =>
  e ? { action: e.action, target: e.target, time: isoTime(e.time) } : {};

/** Walks a chain oldest first and names every entry that is changed, missing or out of order. */
async function findings(audit: AuditStore, tenant: string): Promise<Finding[]> {
  const ctx = systemContext(tenant);
  const all: AuditEntry[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await audit.list(ctx, { limit: 1000, ...(before === undefined ? {} : { before }) });
    all.push(...page.items);
    if (page.nextBefore === undefined) break;
    before = page.nextBefore;
  }
  all.reverse();
  const out: Finding[] = [];
  let prev: AuditEntry | undefined;
  let prevChanged = false;
  for (const e of all) {
    if (out.length >= MAX_FINDINGS) break;
    const { hash, ...rest } = e;
    const changed = auditEntryHash(rest) !== hash;
    if (changed) out.push({ seq: e.seq, problem: 'changed', ...named(e) });
    if (prev && e.seq !== prev.seq + 1) {
      for (let s = prev.seq + 1; s < e.seq && out.length < MAX_FINDINGS; s++) out.push({ seq: s, problem: 'missing' });
    } else if (prev && !prevChanged && !changed && e.prevHash !== prev.hash) {
      // Intact itself, but not the successor of the intact entry before it: moved.
      out.push({ seq: e.seq, problem: 'out of order', ...named(e) });
    }
    prev = e;
    prevChanged = changed;
  }
  return out;
}

/** Adds the `audit` subcommand. */
export function register(program: Command): void {
  const audit = program.command('audit').description('the node’s hash-chained audit log');
  dataOptions(
    audit
      .command('verify')
      .description(
        'verify the audit chains and their signed checkpoints; name every changed, removed or reordered entry; exit 1 when broken',
      )
      .option('--tenant <name>', 'only this tenant (default: every tenant with a chain)'),
  ).action(async (flags: DataFlags & { tenant?: string }) => {
    const config = configFor(flags);
    const db = openDatabase(path.join(config.data, NODE_DB_FILE));
    let results: (AuditVerification & { entry?: Finding; findings?: Finding[] })[];
    try {
      const stores = openNodeAuthStores(db, config.data);
      const tenants =
        flags.tenant !== undefined
          ? [flags.tenant]
          : [
              ...new Set([
                ...(await stores.tenants.list(systemContext(DEFAULT_TENANT))).map((t) => t.name),
                ...(db.prepare('SELECT DISTINCT tenant FROM audit_log').all() as { tenant: string }[]).map(
                  (r) => r.tenant,
                ),
              ]),
            ].sort();
      results = [];
      for (const t of tenants) {
        let v: AuditVerification;
        try {
          v = await stores.audit.verify(systemContext(t));
        } catch (err) {
          // A damaged page can make SQLite refuse to read the table at all: that is a finding too.
          v = {
            tenant: t,
            ok: false,
            entries: 0,
            head: '',
            brokenAt: 0,
            reason: `the audit store cannot be read: ${(err as Error).message}`,
          };
        }
        if (v.ok) {
          results.push(v);
          continue;
        }
        const f = await findings(stores.audit, t).catch(() => [] as Finding[]);
        const at =
          v.brokenAt === undefined
            ? undefined
            : (
                await stores.audit
                  .list(systemContext(t), { before: v.brokenAt + 1, limit: 1 })
                  .catch(() => ({ items: [] }))
              ).items[0];
        results.push({
          ...v,
          ...(at && at.seq === v.brokenAt ? { entry: { seq: at.seq, problem: 'changed' as const, ...named(at) } } : {}),
          findings: f,
        });
      }
    } finally {
      db.close();
    }
    if (flags.json) process.stdout.write(`${JSON.stringify(results)}\n`);
    else {
      for (const r of results) {
        if (r.ok) {
          process.stdout.write(
            `${r.tenant}: ok, ${r.entries} entries, ${r.checkpoints ?? 0} signed checkpoints${r.latestCheckpoint ? ` (newest at entry ${r.latestCheckpoint.seq}, ${isoTime(r.latestCheckpoint.time)})` : ''}${r.unanchored ? `, ${r.unanchored} entries after it` : ''}\n`,
          );
          continue;
        }
        const e = r.entry;
        process.stdout.write(
          `${r.tenant}: BROKEN at entry ${r.brokenAt ?? '?'}${e?.action ? ` (${e.action} ${e.target ?? ''} at ${e.time ?? ''})` : ''}: ${r.reason ?? ''}\n`,
        );
        for (const f of r.findings ?? [])
          process.stdout.write(
            `  entry ${f.seq} ${f.problem}${f.action ? `: ${f.action} ${f.target ?? ''} at ${f.time ?? ''}` : ''}\n`,
          );
      }
    }
    const broken = results.filter((r) => !r.ok).map((r) => r.tenant);
    if (broken.length > 0) throw new AppError('STORAGE', `audit chain broken for ${broken.join(', ')}`);
  });
}
