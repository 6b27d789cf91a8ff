/**
 * @module
 * `intersoc triage train|rank` and `intersoc categorise train`: the learned alert triage ranking
 * and incident categoriser (`@intersoc/text`). Training runs simulated days through the node's
 * pipeline (seeds for training, another held out) and prints the held-out figures beside the
 * baseline: sorting by rule level for the ranking, the rule table for the categories.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import { EVENTS_DB_FILE, NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { configFor, dataOptions, intArg, tenantArg, type DataFlags } from '../node/options.js';
import type { LabelledAlert } from '@intersoc/text';
import {
  learnFromDispositions,
  rankTenantAlerts,
  shippedCategoriserPath,
  shippedTriagePath,
} from '../node/text/ranking.js';
import { simulatedDays, trainCategoriser, trainTriage } from '../node/text/learning.js';

interface TrainFlags {
  readonly seeds: string;
  readonly evalSeed: string;
  readonly hours: string;
  readonly output?: string;
  readonly cache?: string;
  readonly json?: boolean;
}

function seedsOf(v: string): number[] {
  const s = v.split(',').map((x) => Number(x.trim()));
  if (s.length === 0 || s.some((x) => !Number.isInteger(x) || x < 0))
    throw new AppError('VALIDATION', `--seeds: comma-separated seeds (${v})`);
  return s;
}

async function days(flags: TrainFlags) {
  const train = seedsOf(flags.seeds);
  const held = intArg('eval-seed', flags.evalSeed, 3);
  if (train.includes(held)) throw new AppError('VALIDATION', `the held-out seed ${held} must not be a training seed`);
  const all = await simulatedDays([...train, held], {
    hours: intArg('hours', flags.hours, 24),
    ...(flags.cache ? { cache: flags.cache } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  return { train: all.slice(0, train.length), held: all[all.length - 1] as (typeof all)[number] };
}

const trainOptions = (c: Command): Command =>
  c
    .option('--seeds <list>', 'simulator seeds to train on', '1,2')
    .option('--eval-seed <n>', 'simulator seed held out for the figures', '3')
    .option('--hours <h>', 'simulated hours per seed', '24')
    .option('--cache <file>', 'keep simulated days in this JSON file and reuse them')
    .option('--json', 'machine-readable output');

/** Adds the `triage` and `categorise` subcommands. */
export function register(program: Command): void {
  const triage = program
    .command('triage')
    .description('alert queue ranked by the learned probability that an alert is real');

  trainOptions(
    triage
      .command('train')
      .description('train the triage model on simulated days; figures on a held-out seed against sorting by rule level')
      .option('--output <file>', 'model file to write', shippedTriagePath()),
  ).action(async (flags: TrainFlags) => {
    const { train, held } = await days(flags);
    const version = `sim-${train.map((d) => d.seed).join('-')}`;
    const { model, figures } = trainTriage(train, held, version);
    writeFileSync(flags.output ?? shippedTriagePath(), model.serialise());
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ version, output: flags.output ?? shippedTriagePath(), heldOutSeed: held.seed, heldOut: figures })}\n`
        : `seed ${held.seed} held out: ROC AUC ${figures.auc} (sort by rule level ${figures.baselineAuc}); ` +
            `precision at N=${figures.positives} ${figures.precisionAtN} (rule level ${figures.baselinePrecisionAtN})\n`,
    );
  });

  dataOptions(
    triage
      .command('rank')
      .description('the tenant’s open alerts ranked by learned priority, with the features behind each score')
      .option('--tenant <name>', 'tenant')
      .option('--limit <n>', 'alerts to show', '20'),
  ).action(async (flags: DataFlags & { tenant?: string; limit: string }) => {
    const config = configFor(flags);
    const ctx = systemContext(tenantArg(flags.tenant, config));
    const events = path.join(config.data, EVENTS_DB_FILE);
    if (!existsSync(events)) throw new AppError('NOT_FOUND', `no event store in ${config.data}`);
    const db = openDatabase(path.join(config.data, NODE_DB_FILE));
    const ev = openDatabase(events);
    try {
      const r = rankTenantAlerts(
        ctx,
        { db, events: ev, data: config.data },
        { limit: intArg('limit', flags.limit, 20) },
      );
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(r)}\n`
          : [
              `model ${r.model}${r.trained ? ' (the tenant’s)' : ' (shipped, trained on the simulator)'}`,
              ...r.items.map(
                (i) =>
                  `${i.probability.toFixed(3)}  ${i.alert.severity.padEnd(13)} ${i.alert.detector.ruleTitle}  [${i.reasons.map((x) => x.feature).join(', ')}]`,
              ),
              '',
            ].join('\n'),
      );
    } finally {
      ev.close();
      db.close();
    }
  });

  dataOptions(
    triage
      .command('learn')
      .description(
        'learn from the tenant’s dispositions; the new model replaces the current one only if it ranks the newest dispositions better',
      )
      .option('--tenant <name>', 'tenant')
      .option('--cache <file>', 'simulated days (from triage train --cache) to learn from as well'),
  ).action((flags: DataFlags & { tenant?: string; cache?: string }) => {
    const config = configFor(flags);
    const ctx = systemContext(tenantArg(flags.tenant, config));
    const events = path.join(config.data, EVENTS_DB_FILE);
    if (!existsSync(events)) throw new AppError('NOT_FOUND', `no event store in ${config.data}`);
    const extra =
      flags.cache && existsSync(flags.cache)
        ? (JSON.parse(readFileSync(flags.cache, 'utf8')) as { alerts: LabelledAlert[] }[]).map((d) => d.alerts)
        : [];
    const db = openDatabase(path.join(config.data, NODE_DB_FILE));
    const ev = openDatabase(events);
    try {
      const r = learnFromDispositions(ctx, { db, events: ev, data: config.data }, extra);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(r)}\n`
          : `${r.dispositions.training} dispositions learned, ${r.dispositions.heldOut} held out: ${r.promoted ? 'promoted' : 'kept the current model'}: ${r.reason}\n`,
      );
    } finally {
      ev.close();
      db.close();
    }
  });

  const categorise = program.command('categorise').description('learned RSIT class, type and tactic of incidents');
  trainOptions(
    categorise
      .command('train')
      .description(
        'train the incident categoriser on simulated days; it answers only where it beat the rule table on a held-out seed',
      )
      .option('--output <file>', 'model file to write', shippedCategoriserPath()),
  ).action(async (flags: TrainFlags) => {
    const { train, held } = await days(flags);
    const version = `sim-${train.map((d) => d.seed).join('-')}`;
    const { model, figures } = trainCategoriser(train, held, version);
    writeFileSync(flags.output ?? shippedCategoriserPath(), model.serialise());
    process.stdout.write(
      flags.json
        ? `${JSON.stringify({ version, heldOutSeed: held.seed, heldOut: figures, trusted: [...model.trusted] })}\n`
        : `seed ${held.seed} held out, ${figures.incidents} incidents: learned ${figures.learnedAccuracy}, table ${figures.tableAccuracy}, ` +
            `gated ${figures.gatedAccuracy}, tactic ${figures.tacticAccuracy}; trusted: ${[...model.trusted].join(', ') || 'none'}\n`,
    );
  });
}
