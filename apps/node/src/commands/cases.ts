/**
 * @module
 * `intersoc cases list|show|open|nis2`: cases from the command line — list them, show one with
 * its tasks and NIS2 deadlines, open one from incidents, and print a NIS2 report draft as JSON
 * or STIX 2.1.
 */
import type { Command } from 'commander';
import { AppError, isoTime, systemContext, type AuthContext } from '@intersoc/core';
import { NIS2_REPORTS, type Nis2ReportKind } from '@intersoc/cases';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';
import { withIncidents } from '../node/incidents/offline.js';

interface Flags extends DataFlags {
  readonly tenant?: string;
}

function ctxOf(flags: Flags): { config: ReturnType<typeof configFor>; ctx: AuthContext } {
  const config = configFor(flags);
  // The CLI acts as the node operator of the tenant, and says so in the case history.
  return { config, ctx: { ...systemContext(tenantArg(flags.tenant, config)), user: 'cli' } };
}

/** Adds the `cases` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('cases').description('cases (list, show, open, nis2)');
  dataOptions(cmd.command('list').description('list cases, newest first').option('--tenant <name>', 'tenant')).action(
    (flags: Flags) => {
      const { config, ctx } = ctxOf(flags);
      withIncidents(config, ({ cases }) => {
        const items = cases.list(ctx, { limit: 1000 }).items;
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(items)}\n`);
          return;
        }
        if (items.length === 0) process.stdout.write('no cases\n');
        for (const c of items) {
          process.stdout.write(
            `#${c.number} ${c.status.padEnd(11)} ${c.severity.padEnd(13)} ${c.significant ? 'NIS2 ' : ''}${c.title} (${c.id})\n`,
          );
        }
      });
    },
  );

  dataOptions(
    cmd
      .command('show')
      .description('one case with tasks, observables and NIS2 deadlines')
      .argument('<id>')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, flags: Flags) => {
    const { config, ctx } = ctxOf(flags);
    withIncidents(config, ({ cases, nis2 }) => {
      const c = cases.require(ctx, id);
      const tasks = cases.tasks(ctx, id);
      const observables = cases.observables(ctx, id);
      const deadlines = nis2.deadlines(ctx, id);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ case: c, tasks, observables, deadlines })}\n`);
        return;
      }
      const out = [
        `#${c.number} ${c.title}`,
        `  ${c.status}${c.resolution ? ` (${c.resolution})` : ''}, ${c.severity}, TLP:${c.tlp.toUpperCase()} PAP:${c.pap.toUpperCase()}${c.assignee ? `, assigned to ${c.assignee}` : ''}`,
        `  incidents: ${c.incidents.join(', ') || '-'}`,
        '  tasks:',
        ...tasks.map((t) => `    [${t.status === 'done' ? 'x' : ' '}] ${t.group}: ${t.title}`),
        '  observables:',
        ...observables.map(
          (o) =>
            `    ${o.kind} ${o.value}${o.ioc ? ' (IOC)' : ''}${o.enrichment?.matches.length ? ` — ${o.enrichment.matches.length} indicator(s)` : ''}`,
        ),
        ...(deadlines.length > 0
          ? [
              '  NIS2:',
              ...deadlines.map(
                (d) =>
                  `    ${d.kind.padEnd(14)} due ${d.dueLocal} — ${d.state}${d.submitted ? `, submitted ${isoTime(d.submitted)}` : ''}`,
              ),
            ]
          : []),
      ];
      process.stdout.write(`${out.join('\n')}\n`);
    });
  });

  dataOptions(
    cmd
      .command('open')
      .description('open a case from incidents')
      .argument('<incidents...>', 'incident ids')
      .option('--title <text>', 'title (default: the title of the highest-scoring incident)')
      .option('--tenant <name>', 'tenant'),
  ).action((incidents: string[], flags: Flags & { readonly title?: string }) => {
    const { config, ctx } = ctxOf(flags);
    withIncidents(config, ({ cases }) => {
      const c = cases.create(ctx, { incidents, ...(flags.title ? { title: flags.title } : {}) });
      process.stdout.write(flags.json ? `${JSON.stringify(c)}\n` : `opened case #${c.number} ${c.id}: ${c.title}\n`);
    });
  });

  dataOptions(
    cmd
      .command('nis2')
      .description('print a NIS2 report draft of a significant case')
      .argument('<id>', 'case id')
      .argument('<kind>', NIS2_REPORTS.join(' | '))
      .option('--stix', 'as a STIX 2.1 bundle (incident core extension)')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, kind: string, flags: Flags & { readonly stix?: boolean }) => {
    if (!(NIS2_REPORTS as readonly string[]).includes(kind))
      throw new AppError('VALIDATION', `kind must be ${NIS2_REPORTS.join(', ')}`);
    const { config, ctx } = ctxOf(flags);
    withIncidents(config, ({ nis2 }) => {
      const doc = flags.stix ? nis2.stix(ctx, id, kind as Nis2ReportKind) : nis2.draft(ctx, id, kind as Nis2ReportKind);
      process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    });
  });
}
