/**
 * @module
 * `intersoc predict next|train|eval`: the attacker's likely next step.
 *
 * - `predict next --techniques T1566.001,T1204.002 --json` prints `{"tactics": [...],
 *   "techniques": [...]}`, best first; `--input FILE.jsonl --output OUT.jsonl` does the same for
 *   many `{"id", "techniques"}` lines. With `--data DIR` the node's closed incidents of
 *   `--tenant` are added to the released model first (continuous training).
 * - `predict train` rebuilds the released model from the corpora; `predict eval` prints its card.
 */
import { createReadStream, createWriteStream, existsSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import {
  DEFAULT_TOP,
  NextStepModel,
  RELEASED_MODEL,
  releasedModelData,
  trainReleased,
  type NextStepModelData,
} from '@intersoc/forecast';
import { corporaDir } from './bench.js';
import { configFor, intArg, tenantArg, type DataFlags } from '../node/options.js';
import { withClosedIncidents } from '../node/forecast/next-steps.js';

/** Longest JSONL line accepted. */
const MAX_LINE = 64 * 1024;

interface NextFlags extends DataFlags {
  readonly techniques?: string;
  readonly input?: string;
  readonly output?: string;
  readonly top?: string;
  readonly model?: string;
  readonly tenant?: string;
}

function modelFor(flags: NextFlags): NextStepModel {
  const base: NextStepModelData = releasedModelData(flags.model ?? RELEASED_MODEL);
  if (!flags.data) return new NextStepModel(base);
  const config = configFor(flags);
  return new NextStepModel(withClosedIncidents(config, systemContext(tenantArg(flags.tenant, config)), base));
}

/** Reads `{"id", "techniques"}` lines and writes one prediction per line, same order. */
async function batch(model: NextStepModel, input: string, output: string, top: number): Promise<number> {
  if (!existsSync(input)) throw new AppError('NOT_FOUND', `cannot read ${input}`);
  const rl = createInterface({ input: createReadStream(input, 'utf8'), crlfDelay: Infinity });
  const out = createWriteStream(output);
  let n = 0;
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() === '') continue;
    if (text.length > MAX_LINE)
      throw new AppError('VALIDATION', `${input}:${line}: line longer than ${MAX_LINE} bytes`);
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      throw new AppError('VALIDATION', `${input}:${line}: not JSON`);
    }
    const r = row as { id?: unknown; techniques?: unknown };
    if (
      typeof r !== 'object' ||
      r === null ||
      !Array.isArray(r.techniques) ||
      !r.techniques.every((t) => typeof t === 'string')
    )
      throw new AppError('VALIDATION', `${input}:${line}: expected {"id": ..., "techniques": ["T...", ...]}`);
    const p = model.predict(r.techniques as string[], top);
    if (!out.write(`${JSON.stringify({ id: r.id ?? null, ...p })}\n`)) await once(out, 'drain');
    n++;
  }
  out.end();
  await once(out, 'finish');
  return n;
}

/** Adds the `predict` subcommand. */
export function register(program: Command): void {
  const cmd = program.command('predict').description("the attacker's likely next techniques and tactics");
  cmd
    .command('next')
    .description('predict the next techniques and tactics after observed ones')
    .option('--techniques <list>', 'observed techniques in order, comma-separated (T1566.001,T1204.002)')
    .option('--input <file>', 'JSONL: one {"id", "techniques"} per line')
    .option('--output <file>', 'JSONL output for --input (one prediction per line)')
    .option('--top <n>', 'techniques to list', String(DEFAULT_TOP))
    .option('--model <file>', 'a model file (default: the released one)')
    .option('--data <dir>', "add this node's closed incidents to the model")
    .option('--config <file>', 'configuration file (JSON)')
    .option('--tenant <name>', 'tenant whose closed incidents are added (with --data)')
    .option('--json', 'machine-readable output')
    .action(async (flags: NextFlags) => {
      const top = Math.max(1, intArg('top', flags.top, DEFAULT_TOP));
      const model = modelFor(flags);
      if (flags.input) {
        if (!flags.output) throw new AppError('VALIDATION', '--input needs --output');
        const n = await batch(model, flags.input, flags.output, top);
        process.stderr.write(`${n} predictions written to ${flags.output}\n`);
        return;
      }
      if (flags.techniques === undefined) throw new AppError('VALIDATION', 'give --techniques or --input');
      const list = flags.techniques
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const p = model.predict(list, top);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(p)}\n`);
        return;
      }
      const names = model.data.tacticNames;
      process.stdout.write('next tactics:\n');
      for (const t of p.tactics.slice(0, 5))
        process.stdout.write(`  ${t.id} ${names[t.id] ?? ''}  ${t.score.toFixed(3)}\n`);
      process.stdout.write('next techniques:\n');
      for (const t of p.techniques.slice(0, 10))
        process.stdout.write(`  ${t.id} ${model.data.catalog[t.id]?.name ?? ''}  ${t.score.toFixed(3)}\n`);
    });

  cmd
    .command('train')
    .description('rebuild the next-step model from the corpora (ATT&CK, Attack Flow, TRAM reports)')
    .option('--corpora <dir>', 'the shared corpora folder', corporaDir())
    .option('--out <file>', 'where to write the model', RELEASED_MODEL)
    .action((flags: { corpora: string; out: string }) => {
      const data = trainReleased(flags.corpora, (l) => process.stderr.write(`${l}\n`));
      writeFileSync(flags.out, `${JSON.stringify(data)}\n`);
      process.stdout.write(`${JSON.stringify({ out: flags.out, figures: data.card?.figures })}\n`);
    });

  cmd
    .command('eval')
    .description("the released model's card: data, split, figures beside the baselines")
    .option('--model <file>', 'a model file (default: the released one)')
    .action((flags: { model?: string }) => {
      const d = releasedModelData(flags.model ?? RELEASED_MODEL);
      process.stdout.write(`${JSON.stringify({ sources: d.sources, card: d.card ?? null })}\n`);
    });
}
