/**
 * @module
 * `intersoc reports add|list|show|review|publish|stix|delete|retrain|models`: threat reports in
 * (PDF, HTML, text, Markdown, e-mail with attachments), their extracted indicators, techniques
 * and named groups and software, analysts' reviews, the STIX bundle into the CTI store, and
 * retraining the sentence model from the reviews. Reports live per tenant in the node's main
 * database, so the CLI and a running node share them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext, type AuthContext } from '@intersoc/core';
import { normaliseTlp, type TlpLevel } from '@intersoc/cti';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { DEFAULT_LIMITS, type ReviewInput, type StoredReport } from '@intersoc/text';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';
import { openTextNode, warninglistsDir, type TextNode } from '../node/text/services.js';
import { corporaDir } from './bench.js';

interface Flags extends DataFlags {
  readonly tenant?: string;
  readonly warninglists?: string;
}

async function withText<T>(flags: Flags, fn: (t: TextNode, ctx: AuthContext) => Promise<T> | T): Promise<T> {
  const config = configFor(flags);
  const ctx = systemContext(tenantArg(flags.tenant, config));
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    return await fn(openTextNode(db, config.data, warninglistsDir(flags.warninglists, config.data)), ctx);
  } finally {
    db.close();
  }
}

function out(flags: DataFlags, value: unknown, text: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : text());
}

function tlpArg(v: string): TlpLevel {
  const t = normaliseTlp(`tlp:${v}`);
  if (!t)
    throw new AppError('VALIDATION', `--tlp: not a TLP level (${v}); use clear, green, amber, amber+strict or red`);
  return t;
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function show(r: StoredReport): string {
  const lines = [
    `${r.id}  ${r.title ?? r.name}  (${r.format}, ${r.pages} page(s), TLP:${r.tlp.toUpperCase()}, ${r.status})`,
  ];
  for (const it of r.itemsReviewed) {
    const s = r.document.sentences[it.sentence];
    const text = s ? r.document.text.slice(s.start, s.end).replace(/\s+/g, ' ').slice(0, 100) : '';
    const rev = it.review ? ` [${it.review.decision}${it.review.value ? ` ${it.review.value}` : ''}]` : '';
    lines.push(
      `  ${it.id.padEnd(5)} ${it.kind.padEnd(9)} ${it.type.padEnd(20)} ${it.value}${it.name ? ` (${it.name})` : ''} ${it.confidence.toFixed(2)} ${it.source}${rev}`,
      `        s${it.sentence}: ${text}`,
    );
  }
  for (const d of r.analysis.dropped) lines.push(`  dropped ${d.type} ${d.value}: ${d.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Adds the `reports` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('reports').description('threat reports: extraction, review, STIX, retraining');
  const common = (c: Command): Command =>
    dataOptions(c)
      .option('--tenant <name>', 'tenant (default: the default tenant)')
      .option(
        '--warninglists <dir>',
        'MISP warninglists folder (default: $INTERSOC_WARNINGLISTS or the shared corpus)',
      );

  common(
    cmd
      .command('add')
      .description('read reports (PDF, HTML, text, Markdown, .eml) and extract indicators and techniques')
      .argument('<files...>', 'report files')
      .option('--tlp <level>', 'TLP of the reports: clear, green, amber, amber+strict, red', 'amber')
      .option('--publish', 'put each STIX bundle into the CTI store at once (without review)'),
  ).action(async (files: string[], flags: Flags & { tlp: string; publish?: boolean }) => {
    const tlp = tlpArg(flags.tlp);
    await withText(flags, async (t, ctx) => {
      const results: unknown[] = [];
      let failed = 0;
      for (const f of files) {
        try {
          if (!existsSync(f)) throw new AppError('NOT_FOUND', `no file ${f}`);
          if (statSync(f).size > DEFAULT_LIMITS.maxBytes)
            throw new AppError('PAYLOAD_TOO_LARGE', `${f} is larger than ${DEFAULT_LIMITS.maxBytes} bytes`);
          const { summary, created } = await t.reports.add(ctx, readFileSync(f), { name: path.basename(f), tlp });
          const published = flags.publish ? t.reports.publish(ctx, summary.id) : undefined;
          results.push({ file: f, ...summary, created, ...(published ? { published } : {}) });
          if (!flags.json)
            process.stdout.write(
              `${summary.id}  ${f}: ${summary.items} items${created ? '' : ' (already added)'}${published ? `, published ${published.objects} STIX objects` : ''}\n`,
            );
        } catch (err) {
          // One hostile or broken file does not stop the others.
          failed++;
          const e = err as AppError;
          results.push({ file: f, error: { code: e.code ?? 'INTERNAL', message: e.message } });
          process.stderr.write(`reports add: ${f}: ${e.code ?? 'INTERNAL'}: ${e.message}\n`);
        }
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ reports: results })}\n`);
      if (failed > 0) process.exitCode = 1;
    });
  });

  common(cmd.command('list').description('reports of the tenant')).action((flags: Flags) =>
    withText(flags, (t, ctx) => {
      const items = t.reports.list(ctx);
      out(flags, { items }, () =>
        items
          .map(
            (r) =>
              `${r.id}  ${r.status.padEnd(9)} TLP:${r.tlp.toUpperCase().padEnd(12)} ${String(r.items).padStart(4)} items ${String(r.reviewed).padStart(4)} reviewed  ${r.title ?? r.name}\n`,
          )
          .join(''),
      );
    }),
  );

  common(cmd.command('show').description('a report with its items and reviews').argument('<id>')).action(
    (id: string, flags: Flags) =>
      withText(flags, (t, ctx) => {
        const r = t.reports.get(ctx, id);
        out(flags, r, () => show(r));
      }),
  );

  common(
    cmd
      .command('review')
      .description('accept, reject or correct extracted items, or add a missed technique')
      .argument('<id>')
      .option('--accept <items>', 'item ids, comma-separated')
      .option('--reject <items>', 'item ids, comma-separated')
      .option('--correct <item=value...>', 'corrections: i4=T1059.003 (a technique) or i7=evil.example')
      .option('--add <sentence=technique...>', 'missed techniques: 12=T1105 (sentence index = technique)'),
  ).action((id: string, flags: Flags & { accept?: string; reject?: string; correct?: string[]; add?: string[] }) =>
    withText(flags, (t, ctx) => {
      const decisions: ReviewInput[] = [
        ...list(flags.accept).map((item) => ({ item, decision: 'accept' as const })),
        ...list(flags.reject).map((item) => ({ item, decision: 'reject' as const })),
        ...(flags.correct ?? []).map((c) => {
          const [item, ...rest] = c.split('=');
          if (!item || rest.length === 0) throw new AppError('VALIDATION', `--correct ${c}: expected item=value`);
          return { item, decision: 'correct' as const, value: rest.join('=') };
        }),
      ];
      const added = (flags.add ?? []).map((a) => {
        const [s, tech] = a.split('=');
        const sentence = Number(s);
        if (!Number.isInteger(sentence) || !tech)
          throw new AppError('VALIDATION', `--add ${a}: expected sentence=technique`);
        return { sentence, technique: tech.toUpperCase() };
      });
      const r = t.reports.review(ctx, id, decisions, added);
      out(flags, r, () => show(r));
    }),
  );

  common(cmd.command('publish').description('put the reviewed STIX bundle into the CTI store').argument('<id>')).action(
    (id: string, flags: Flags) =>
      withText(flags, (t, ctx) => {
        const r = t.reports.publish(ctx, id);
        out(
          flags,
          r,
          () =>
            `${id}: ${r.objects} STIX objects (${r.added} new, ${r.duplicates} known, ${r.rejected.length} refused)\n`,
        );
      }),
  );

  common(cmd.command('stix').description('print the STIX 2.1 bundle of a report').argument('<id>')).action(
    (id: string, flags: Flags) =>
      withText(flags, (t, ctx) => {
        process.stdout.write(`${JSON.stringify(t.reports.bundle(ctx, id), null, flags.json ? undefined : 2)}\n`);
      }),
  );

  common(cmd.command('delete').description('delete a report (published objects stay)').argument('<id>')).action(
    (id: string, flags: Flags) =>
      withText(flags, (t, ctx) => {
        t.reports.remove(ctx, id);
        out(flags, { deleted: id }, () => `deleted ${id}\n`);
      }),
  );

  common(
    cmd
      .command('retrain')
      .description(
        'train a new sentence model with the reviews; it replaces the current one only if it beats it on held-out documents',
      )
      .option('--corpora <dir>', 'the shared corpora (TRAM, ATT&CK)'),
  ).action((flags: Flags & { corpora?: string }) =>
    withText(flags, (t, ctx) => {
      const r = t.retrain(ctx, flags.corpora ?? corporaDir(), (l) => process.stderr.write(`${l}\n`));
      const { model: _model, ...rest } = r;
      void _model;
      out(flags, rest, () =>
        [
          `candidate ${r.version}: micro-F1 ${r.candidate.heldOut.microF1} on ${r.candidate.heldOut.sentences} held-out sentences`,
          `current ${r.current.version}: micro-F1 ${r.current.heldOut.microF1}`,
          `corrections: ${r.corrections.training} in training, ${r.corrections.heldOut} held out`,
          r.promoted ? `promoted: ${r.reason}` : `kept the current model: ${r.reason}`,
          '',
        ].join('\n'),
      );
    }),
  );

  common(cmd.command('models').description('sentence model versions of the tenant')).action((flags: Flags) =>
    withText(flags, (t, ctx) => {
      const items = t.store.models(ctx, 'attack');
      const current = t.modelFor(ctx).info.version;
      out(flags, { current, items }, () =>
        [`current: ${current}`, ...items.map((m) => `${m.active ? '*' : ' '} ${m.version}  ${m.file}`), ''].join('\n'),
      );
    }),
  );
}
