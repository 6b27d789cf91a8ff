/**
 * @module
 * `intersoc ml train|import|predict|evaluate|explain|drift|retrain|list|show|deploy|retire`: learned detection models
 * in the node's store (`@intersoc/learn`). `train` reads NSL-KDD, CIC-IDS CSV or any labelled CSV
 * and stores a new version with its features, training-data hash, parameters and validation
 * figures; `predict` writes one JSON line per input row in input order; `deploy` makes a version
 * the tenant's detector in the pipeline (a serving node reloads it within seconds).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase, openEventReader, type SqliteDb } from '@intersoc/storage';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';
import {
  algorithmArg,
  deployModel,
  evaluateFiles,
  explainFiles,
  formatArg,
  listModels,
  predictToFile,
  retireModel,
  showModel,
  trainAndStore,
} from '../node/ml/ml-ops.js';
import { importAndStore } from '../node/ml/ml-import.js';
import { modelDrift } from '../node/ml/ml-drift.js';
import { retrainModel } from '../node/ml/ml-retrain.js';
import { createHydrator } from '../pipeline/hydrator.js';

interface Flags extends DataFlags {
  readonly tenant?: string;
  readonly input?: string[];
  readonly format?: string;
  readonly version?: string;
}

function versionArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('VALIDATION', '--version must be a positive integer');
  return n;
}

function inputs(flags: Flags): string[] {
  if (!flags.input || flags.input.length === 0) throw new AppError('VALIDATION', '--input FILE... is required');
  return flags.input;
}

function numberArg(name: string, v: string | undefined, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < lo || n > hi) throw new AppError('VALIDATION', `--${name} must be in [${lo}, ${hi}]`);
  return n;
}

/** Opens the node's main database for the command, runs `fn`, closes it. */
async function withDb<T>(flags: Flags, fn: (ctx: ReturnType<typeof systemContext>, db: SqliteDb) => T | Promise<T>) {
  const config = configFor(flags);
  const ctx = systemContext(tenantArg(flags.tenant, config));
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    return await fn(ctx, db);
  } finally {
    db.close();
  }
}

function print(flags: Flags, value: unknown, text: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

const pct = (x: unknown): string => (typeof x === 'number' ? `${(x * 100).toFixed(2)}%` : '-');

function common(c: Command): Command {
  return dataOptions(c).option('--tenant <name>', 'tenant (default: the configured default tenant)');
}

function fileOptions(c: Command): Command {
  return c
    .option('--input <files...>', 'input files (NSL-KDD, CIC-IDS CSV or CSV)')
    .option('--format <format>', 'nsl-kdd, cic-ids or csv (default: guessed from the first line)')
    .option('--version <n>', 'model version (default: the newest)');
}

/** Adds the `ml` subcommands. */
export function register(program: Command): void {
  const ml = program.command('ml').description('learned detection models: train, predict, evaluate, explain, deploy');

  common(
    ml
      .command('train <name>')
      .description('train a model on labelled files and store it as a new version')
      .option('--input <files...>', 'training files')
      .option('--format <format>', 'nsl-kdd, cic-ids or csv (default: guessed)')
      .option('--label <column>', 'label column (default: label, Label or the last column)')
      .option('--benign <class>', 'the benign class (default: BENIGN, normal, else the most frequent)')
      .option('--algorithm <name>', 'gbdt, iforest or logreg', 'gbdt')
      .option('--seed <n>', 'seed (training is deterministic for a seed)')
      .option('--target-fpr <x>', 'share of held-out benign rows allowed to alert (default 0.01)')
      .option('--rounds <n>', 'most boosting rounds (gbdt)'),
  ).action(
    async (
      name: string,
      flags: Flags & {
        label?: string;
        benign?: string;
        algorithm?: string;
        seed?: string;
        targetFpr?: string;
        rounds?: string;
      },
    ) => {
      const seed = numberArg('seed', flags.seed, 0, 2 ** 32 - 1);
      const targetFpr = numberArg('target-fpr', flags.targetFpr, 0, 0.5);
      const rounds = numberArg('rounds', flags.rounds, 1, 5000);
      const format = formatArg(flags.format);
      const r = await withDb(flags, (ctx, db) =>
        trainAndStore(ctx, db, {
          name,
          files: inputs(flags),
          algorithm: algorithmArg(flags.algorithm),
          ...(format ? { format } : {}),
          ...(flags.label ? { label: flags.label } : {}),
          ...(flags.benign ? { benign: flags.benign } : {}),
          ...(seed === undefined ? {} : { seed: Math.floor(seed) }),
          ...(targetFpr === undefined ? {} : { targetFpr }),
          ...(rounds === undefined ? {} : { rounds: Math.floor(rounds) }),
          log: (l) => {
            if (!flags.json) process.stderr.write(`${l}\n`);
          },
        }),
      );
      const v = r.validation;
      print(
        flags,
        r,
        () =>
          `${r.name} version ${r.version}: ${r.algorithm}, ${r.rows} rows, ${r.features} features, ${r.classes.length} classes, ` +
          `threshold ${r.threshold.toPrecision(4)}; validation accuracy ${pct(v['accuracy'])}, macro-F1 ${String(v['macroF1'])}, ` +
          `AUC ${String(v['auc'])} (${r.seconds} s)`,
      );
    },
  );

  common(
    ml
      .command('import <name>')
      .description('store an XGBoost JSON or LightGBM text model as a new version (runs on the same evaluator)')
      .requiredOption('--file <file>', 'the model file (XGBoost save_model("m.json"), LightGBM save_model("m.txt"))')
      .option('--format <format>', 'xgboost or lightgbm (default: from the file)')
      .option('--classes <names>', 'class names in the model’s class order, comma-separated')
      .option('--benign <class>', 'the benign class (default: the first)')
      .option('--threshold <x>', 'alert when the score is at least this (default 0.5)')
      .option('--label <column>', 'label column of the data it was trained on (default: label)'),
  ).action(
    async (
      name: string,
      flags: Flags & { file: string; classes?: string; benign?: string; threshold?: string; label?: string },
    ) => {
      const threshold = numberArg('threshold', flags.threshold, 0, 1);
      const r = await withDb(flags, (ctx, db) =>
        importAndStore(ctx, db, name, flags.file, {
          ...(flags.format ? { format: flags.format } : {}),
          ...(flags.classes ? { classes: flags.classes.split(',').map((c) => c.trim()) } : {}),
          ...(flags.benign ? { benign: flags.benign } : {}),
          ...(threshold === undefined ? {} : { threshold }),
          ...(flags.label ? { label: flags.label } : {}),
        }),
      );
      print(
        flags,
        r,
        () =>
          `${r.name} version ${r.version}: ${r.algorithm} (${r.objective}), ${r.trees} trees, ${r.features.length} features, ` +
          `classes ${r.classes.join(', ')} (benign ${r.benign}), threshold ${r.threshold}`,
      );
    },
  );

  common(
    fileOptions(
      ml
        .command('predict <name>')
        .description('one JSON line per input row, in order: {"row", "label", "attack", "score"}')
        .requiredOption('--output <file>', 'JSON lines output'),
    ),
  ).action(async (name: string, flags: Flags & { output: string }) => {
    const format = formatArg(flags.format);
    const version = versionArg(flags.version);
    const r = await withDb(flags, (ctx, db) =>
      predictToFile(ctx, db, name, inputs(flags), flags.output, {
        ...(format ? { format } : {}),
        ...(version ? { version } : {}),
      }),
    );
    print(flags, { ...r, output: flags.output }, () => `${r.rows} rows, ${r.attacks} attacks → ${flags.output}`);
  });

  common(
    fileOptions(ml.command('evaluate <name>').description('confusion matrix and per-class precision, recall, F1')),
  ).action(async (name: string, flags: Flags) => {
    const format = formatArg(flags.format);
    const version = versionArg(flags.version);
    const r = await withDb(flags, (ctx, db) =>
      evaluateFiles(ctx, db, name, inputs(flags), { ...(format ? { format } : {}), ...(version ? { version } : {}) }),
    );
    print(flags, r, () => {
      const per = r['perClass'] as { class: string; support: number; precision: number; recall: number; f1: number }[];
      const bin = r['binary'] as Record<string, number> | undefined;
      const labels = r['labels'] as string[];
      const confusion = r['confusion'] as number[][];
      return [
        `${String(r['model'])} v${String(r['version'])} on ${String(r['rows'])} rows: accuracy ${pct(r['accuracy'])}, macro-F1 ${String(r['macroF1'])}, AUC ${String(r['auc'])}`,
        ...(bin
          ? [
              `benign vs attack: accuracy ${pct(bin['accuracy'])}, detection ${pct(bin['detectionRate'])}, false positives ${pct(bin['falsePositiveRate'])}`,
            ]
          : []),
        'class                          support  precision  recall     F1',
        ...per.map(
          (c) =>
            `${c.class.padEnd(30)} ${String(c.support).padStart(7)}  ${c.precision.toFixed(4).padStart(9)}  ${c.recall.toFixed(4).padStart(6)}  ${c.f1.toFixed(4).padStart(6)}`,
        ),
        'confusion (rows: true, columns: predicted, in this order):',
        ...labels.map((l, i) => `${l.padEnd(30)} ${(confusion[i] ?? []).join(' ')}`),
      ].join('\n');
    });
  });

  common(
    fileOptions(
      ml
        .command('explain <name>')
        .description('the five features that moved the score of chosen input rows most, with their values')
        .option('--row <n...>', 'row numbers (0-based, input order)', ['0'])
        .option('--top <n>', 'features per row', '5'),
    ),
  ).action(async (name: string, flags: Flags & { row: string[]; top: string }) => {
    const format = formatArg(flags.format);
    const version = versionArg(flags.version);
    const top = numberArg('top', flags.top, 1, 100) ?? 5;
    const rows = flags.row.map((r) => {
      const n = Number(r);
      if (!Number.isInteger(n) || n < 0) throw new AppError('VALIDATION', '--row takes non-negative integers');
      return n;
    });
    const r = await withDb(flags, (ctx, db) =>
      explainFiles(ctx, db, name, inputs(flags), rows, {
        ...(format ? { format } : {}),
        ...(version ? { version } : {}),
        top: Math.floor(top),
      }),
    );
    print(flags, r, () =>
      r.rows
        .map(
          (x) =>
            `row ${x.row}: ${x.label} (attack ${x.attack}, score ${x.score}, threshold ${x.threshold.toPrecision(4)})\n` +
            x.features
              .map((f) => `  ${f.feature} = ${String(f.value)}  (${f.contribution >= 0 ? '+' : ''}${f.contribution})`)
              .join('\n'),
        )
        .join('\n'),
    );
  });

  common(
    ml
      .command('drift <name>')
      .description(
        'input drift: PSI per feature between the training rows and the last hours of events the model reads',
      )
      .option('--version <n>', 'version (default: the deployed one, else the newest)')
      .option('--hours <h>', 'window ending now, in hours', '24'),
  ).action(async (name: string, flags: Flags & { hours: string }) => {
    const version = versionArg(flags.version);
    const hours = numberArg('hours', flags.hours, 0.001, 9600) ?? 24;
    const r = await withDb(flags, async (ctx, db) => {
      const reader = openEventReader(path.join(configFor(flags).data, EVENTS_DB_FILE), createHydrator());
      try {
        return await modelDrift(ctx, db, reader, name, { hours, ...(version ? { version } : {}) });
      } finally {
        reader.close();
      }
    });
    print(flags, r, () =>
      [
        `${r.name} v${r.version}: ${r.status} (largest PSI ${r.maxPsi}) over ${r.rows} rows of ${r.scannedEvents} events` +
          (r.reason ? ` — ${r.reason}` : ''),
        ...r.features.slice(0, 10).map((f) => `  ${f.feature.padEnd(32)} ${f.psi.toFixed(4)}`),
      ].join('\n'),
    );
  });

  common(
    ml
      .command('retrain <name>')
      .description(
        "a new version from the original data plus analysts' verdicts on the model's alerts (false positives, true positives)",
      )
      .option('--version <n>', 'parent version (default: the deployed one, else the newest)')
      .option('--input <files...>', 'the original training data (default: the files the parent recorded)')
      .option('--format <format>', 'nsl-kdd, cic-ids or csv (default: as the parent)')
      .option('--repeat <n>', 'copies of each verdict row (1-100)', '1')
      .option('--evaluate <files...>', 'labelled files both versions are also evaluated on'),
  ).action(async (name: string, flags: Flags & { repeat: string; evaluate?: string[] }) => {
    const version = versionArg(flags.version);
    const format = formatArg(flags.format);
    const repeat = numberArg('repeat', flags.repeat, 1, 100) ?? 1;
    const r = await withDb(flags, async (ctx, db) => {
      const reader = openEventReader(path.join(configFor(flags).data, EVENTS_DB_FILE), createHydrator());
      try {
        return await retrainModel(
          ctx,
          { db, events: reader.db },
          {
            name,
            repeat: Math.trunc(repeat),
            ...(version ? { version } : {}),
            ...(flags.input && flags.input.length > 0 ? { inputs: flags.input } : {}),
            ...(format ? { format } : {}),
            ...(flags.evaluate && flags.evaluate.length > 0 ? { evaluate: flags.evaluate } : {}),
            ...(flags.json ? {} : { log: (l: string) => process.stderr.write(`${l}\n`) }),
          },
        );
      } finally {
        reader.close();
      }
    });
    const line = (label: string, p: Record<string, unknown>, c: Record<string, unknown>): string => {
      const pb = p['binary'] as Record<string, unknown> | undefined;
      const cb = c['binary'] as Record<string, unknown> | undefined;
      return (
        `  ${label.padEnd(22)} accuracy ${pct(p['accuracy'])} → ${pct(c['accuracy'])}, macro-F1 ${String(p['macroF1'])} → ${String(c['macroF1'])}` +
        (pb && cb
          ? `, false positives ${pct(pb['falsePositiveRate'])} → ${pct(cb['falsePositiveRate'])}, detection ${pct(pb['detectionRate'])} → ${pct(cb['detectionRate'])}`
          : '')
      );
    };
    print(flags, r, () =>
      [
        `${r.name} v${r.version} from v${r.parent}: +${r.added.falsePositives} false positives, +${r.added.truePositives} true positives` +
          ` (×${r.added.repeat}; ${r.withoutVector} verdicts without a feature row) on ${r.baseRows} rows, ${r.seconds} s`,
        line('held-out rows', r.validation.parent, r.validation.retrained),
        ...(r.evaluation ? [line('--evaluate files', r.evaluation.parent, r.evaluation.retrained)] : []),
        `  verdict rows still flagged: false positives ${r.verdictRows.parent.falsePositives} → ${r.verdictRows.retrained.falsePositives},` +
          ` true positives ${r.verdictRows.parent.truePositives} → ${r.verdictRows.retrained.truePositives}`,
      ].join('\n'),
    );
  });

  common(ml.command('list').description('the tenant’s model versions')).action(async (flags: Flags) => {
    const r = await withDb(flags, (ctx, db) => listModels(ctx, db));
    print(flags, r, () =>
      r.length === 0
        ? 'no models'
        : r
            .map(
              (m) =>
                `${m.name} v${m.version}  ${m.status.padEnd(8)} ${m.algorithm.padEnd(7)} ${m.features} features, ${m.classes.length} classes, ` +
                `validation macro-F1 ${String((m.metrics['validation'] as Record<string, unknown> | undefined)?.['macroF1'] ?? '-')}`,
            )
            .join('\n'),
    );
  });

  common(
    ml
      .command('show <name>')
      .description('one version: parameters, training record, features, metrics')
      .option('--version <n>', 'version'),
  ).action(async (name: string, flags: Flags) => {
    const version = versionArg(flags.version);
    const r = await withDb(flags, (ctx, db) => showModel(ctx, db, name, version));
    print(flags, r, () => JSON.stringify(r, null, 2));
  });

  common(
    ml
      .command('deploy <name>')
      .description('run a version as the tenant’s detector')
      .option('--version <n>', 'version (default: the newest)'),
  ).action(async (name: string, flags: Flags) => {
    const version = versionArg(flags.version);
    const r = await withDb(flags, (ctx, db) => deployModel(ctx, db, name, version));
    print(flags, r, () => `${r.name} v${r.version} deployed (threshold ${r.threshold.toPrecision(4)})`);
  });

  common(
    ml
      .command('retire <name>')
      .description('retire a version (default: every version of the name)')
      .option('--version <n>', 'version'),
  ).action(async (name: string, flags: Flags) => {
    const version = versionArg(flags.version);
    const r = await withDb(flags, (ctx, db) => retireModel(ctx, db, name, version));
    print(flags, r, () => `${r.retired} version(s) retired`);
  });
}
