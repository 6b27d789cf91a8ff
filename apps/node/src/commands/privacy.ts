/**
 * @module
 * `intersoc privacy export|erase|record|inventory`: data-subject requests (access, erasure), the
 * GDPR Art. 30 record and the personal-data inventory in force.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { Inventory, parseSubject, renderRecord } from '@intersoc/privacy';
import { eraseForSubject, exportForSubject, recordOfProcessing } from '../node/privacy.js';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';

interface Flags extends DataFlags {
  readonly subject: string;
  readonly tenant?: string;
  readonly out?: string;
  readonly reason?: string;
  readonly format?: string;
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
      process.stdout.write(`${JSON.stringify({ erased: r.erased, held: r.held, requestId: r.requestId })}\n`);
      return;
    }
    process.stdout.write(
      `erased: ${Object.entries(r.erased)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}\n` + r.held.map((h) => `held: ${h.kind} ${h.tenant}/${h.id}: ${h.reason}\n`).join(''),
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
