/**
 * @module
 * `intersoc privacy export|erase|restrict|lift|restrictions|reidentifications|record|inventory`:
 * data-subject requests (access, erasure, restriction), the DPO's log of re-identifications, the
 * GDPR Art. 30 record and the personal-data inventory in force.
 */
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { Inventory, parseSubject, renderRecord, SqlitePrivacyStore, type PrivacyStore } from '@intersoc/privacy';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { eraseForSubject, exportForSubject, recordOfProcessing } from '../node/privacy.js';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';

interface Flags extends DataFlags {
  readonly subject: string;
  readonly tenant?: string;
  readonly out?: string;
  readonly reason?: string;
  readonly format?: string;
}

/** Runs `f` with the privacy tables of the node database. */
function withPrivacyStore<T>(config: ReturnType<typeof configFor>, f: (s: PrivacyStore) => T): T {
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    return f(new SqlitePrivacyStore(db));
  } finally {
    db.close();
  }
}

/** Adds the `privacy` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('privacy').description('data-subject requests, the Art. 30 record, the inventory');

  dataOptions(
    cmd
      .command('export')
      .description('everything the node holds about a subject (JSON and a readable report)')
      .requiredOption('--subject <subject>', 'user:NAME, email:ADDR or host:NAME')
      .option('--tenant <name>', 'only this tenant (default: every tenant)')
      .option('--out <dir>', 'folder for the report files (default <data>/privacy/exports)'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const subject = parseSubject(flags.subject);
    const x = exportForSubject(config, subject, {
      ...(flags.tenant ? { tenant: tenantArg(flags.tenant, config) } : {}),
      ...(flags.out ? { out: flags.out } : {}),
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ subject: x.subject, counts: x.counts, items: x.items, files: x.files })}\n`,
      );
      return;
    }
    process.stdout.write(
      `${x.subject}: ${Object.entries(x.counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}\nreport: ${x.files.join(', ')}\n`,
    );
  });

  dataOptions(
    cmd
      .command('erase')
      .description("erase a subject's personal data (records under legal hold are kept and listed)")
      .requiredOption('--subject <subject>', 'user:NAME, email:ADDR or host:NAME')
      .option('--reason <text>', 'why (recorded in the audit log, without the erased value)')
      .option('--tenant <name>', 'only this tenant (default: every tenant)'),
  ).action(async (flags: Flags) => {
    const config = configFor(flags);
    const subject = parseSubject(flags.subject);
    const r = await eraseForSubject(config, subject, {
      actor: `cli:${userInfo().username}`,
      ...(flags.tenant ? { tenant: tenantArg(flags.tenant, config) } : {}),
      ...(flags.reason ? { reason: flags.reason } : {}),
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ erased: r.erased, held: r.held, requestId: r.requestId, ...(r.handedTo ? { handedTo: r.handedTo } : {}) })}\n`,
      );
      return;
    }
    process.stdout.write(
      (r.handedTo ? `handed to ${r.handedTo}\n` : '') +
        `erased: ${Object.entries(r.erased)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ')}\n` +
        r.held.map((h) => `held: ${h.kind} ${h.tenant}/${h.id}: ${h.reason}\n`).join(''),
    );
  });

  dataOptions(
    cmd
      .command('record')
      .description('the record of processing activities (GDPR Art. 30) from the configuration')
      .option('--format <md|json>', 'output format', 'md'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const format = flags.json ? 'json' : (flags.format ?? 'md');
    if (format !== 'md' && format !== 'json') throw new AppError('VALIDATION', '--format must be md or json');
    const r = recordOfProcessing(config);
    process.stdout.write(format === 'json' ? `${JSON.stringify(r, null, 1)}\n` : renderRecord(r));
  });

  dataOptions(
    cmd
      .command('restrict')
      .description('restrict processing of a subject (Art. 18): its events are stored, not shown or shared')
      .requiredOption('--subject <subject>', 'user:NAME, email:ADDR or host:NAME')
      .requiredOption('--reason <text>', 'why')
      .option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const subject = parseSubject(flags.subject);
    const r = withPrivacyStore(config, (store) =>
      store.restrict({
        tenant: tenantArg(flags.tenant, config),
        subject: `${subject.kind}:${subject.value}`,
        reason: flags.reason ?? '',
        createdBy: `cli:${userInfo().username}`,
      }),
    );
    process.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : `restricted ${r.subject} in ${r.tenant}\n`);
  });

  dataOptions(
    cmd
      .command('lift')
      .description('lift a restriction of processing')
      .requiredOption('--subject <subject>', 'user:NAME, email:ADDR or host:NAME')
      .option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const subject = parseSubject(flags.subject);
    const lifted = withPrivacyStore(config, (store) =>
      store.lift(tenantArg(flags.tenant, config), `${subject.kind}:${subject.value}`),
    );
    process.stdout.write(
      flags.json ? `${JSON.stringify({ lifted })}\n` : lifted ? 'lifted\n' : 'no such restriction\n',
    );
    if (!lifted) process.exitCode = 1;
  });

  dataOptions(
    cmd
      .command('restrictions')
      .description('subjects whose processing is restricted')
      .option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const items = withPrivacyStore(config, (store) => store.restrictions(tenantArg(flags.tenant, config)));
    if (flags.json) process.stdout.write(`${JSON.stringify(items)}\n`);
    else for (const r of items) process.stdout.write(`${r.subject}  ${r.reason} (${r.createdBy})\n`);
  });

  dataOptions(
    cmd
      .command('reidentifications')
      .description('every re-identification of a tenant, with case, reason and decision (for the DPO)')
      .option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const items = withPrivacyStore(config, (store) => store.list(tenantArg(flags.tenant, config)));
    if (flags.json) process.stdout.write(`${JSON.stringify(items)}\n`);
    else
      for (const r of items)
        process.stdout.write(
          `${new Date(r.requested).toISOString()} ${r.requestedBy} ${r.pseudonym} case ${r.caseId}: ${r.reason} [${r.status}${r.decidedBy ? ` by ${r.decidedBy}` : ''}]\n`,
        );
  });

  dataOptions(
    cmd
      .command('inventory')
      .description('the personal-data inventory in force')
      .option('--tenant <name>', 'tenant (its extensions included)'),
  ).action((flags: Flags) => {
    const config = configFor(flags);
    const inv = Inventory.of(config, tenantArg(flags.tenant, config));
    if (flags.json) process.stdout.write(`${JSON.stringify(inv.fields)}\n`);
    else
      for (const f of inv.fields)
        process.stdout.write(`${f.field.padEnd(24)} ${f.kind.padEnd(6)} ${f.when.padEnd(12)} ${f.category}\n`);
  });
}
