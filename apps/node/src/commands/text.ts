/**
 * @module
 * `intersoc text attack|iocs|extract|train`: unstructured intelligence (`@intersoc/text`).
 *
 * Contract (checks rely on it):
 * - `text attack --input FILE.jsonl --output OUT.jsonl [--top K]` reads lines
 *   `{"id": "...", "text": "..."}` and writes one line per input line,
 *   `{"id": "...", "techniques": [{"id": "T1059.001", "score": 0.91}, ...]}`, sorted by score.
 *   Without `--top`, the techniques at or above the model's threshold, and the best one when its score is
 *   at least 0.1;
 *   with `--top K`, the K best.
 * - `text iocs --input FILE --json` (PDF, HTML, text, Markdown, e-mail) prints
 *   `{"iocs": [{"type", "value"}], "dropped": [{"type", "value", "reason"}]}` with refanged values.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import {
  BenignFilter,
  collectIocs,
  defaultModelPath,
  DEFAULT_LIMITS,
  DEFAULT_TRAIN,
  extractIsolated,
  loadSentenceModel,
  trainRelease,
  type SentenceModel,
  type TechniqueScore,
} from '@intersoc/text';
import { corporaDir } from './bench.js';
import { warninglistsDir } from '../node/text/services.js';
import { intArg } from '../node/options.js';

/**
 * Score under which even the best technique is not listed (without `--top`): on TRAM's held-out
 * documents this keeps micro-F1 (0.781 against 0.779 listing it always) and silences 97 % of the
 * held-out sentences that name no technique.
 */
const MIN_BEST = 0.1;

/** Longest input line of `text attack` (a sentence or a paragraph, not a book). */
const MAX_LINE = 1024 * 1024;

function readInput(file: string): Uint8Array {
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `no file ${file}`);
  const size = statSync(file).size;
  if (size > DEFAULT_LIMITS.maxBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `${file} is ${size} bytes; at most ${DEFAULT_LIMITS.maxBytes} are read`);
  return readFileSync(file);
}

/** The techniques of one text as the contract lists them. */
export function techniquesOf(model: SentenceModel, text: string, top: number | undefined): TechniqueScore[] {
  const round = (s: TechniqueScore): TechniqueScore => ({ id: s.id, score: Math.round(s.score * 10_000) / 10_000 });
  if (top !== undefined) return model.predict(text, top).map(round);
  const all = model.predict(text, 10);
  // The best technique is listed even under the threshold unless the sentence is plainly prose.
  const kept = all.filter((s, i) => s.score >= model.threshold || (i === 0 && s.score >= MIN_BEST));
  return kept.map(round);
}

/** Adds the `text` subcommand. */
export function register(program: Command): void {
  const cmd = program
    .command('text')
    .description('unstructured intelligence: ATT&CK techniques and indicators in prose');

  cmd
    .command('attack')
    .description('ATT&CK techniques of each line {"id","text"} of a JSONL file')
    .requiredOption('--input <file>', 'JSONL input: {"id": "...", "text": "..."} per line')
    .requiredOption('--output <file>', 'JSONL output: {"id": "...", "techniques": [{"id", "score"}]} per line')
    .option('--top <k>', 'the K best techniques per line (default: those at or above the threshold, at least one)')
    .option('--model <file>', 'model file (default: the released model)')
    .action(async (o: { input: string; output: string; top?: string; model?: string }) => {
      const top = o.top === undefined ? undefined : intArg('top', o.top, 1);
      if (!existsSync(o.input)) throw new AppError('NOT_FOUND', `no file ${o.input}`);
      const model = loadSentenceModel(o.model ?? defaultModelPath());
      const out = createWriteStream(o.output);
      const rl = createInterface({ input: createReadStream(o.input, { encoding: 'utf8' }), crlfDelay: Infinity });
      let n = 0;
      let lines = 0;
      try {
        for await (const line of rl) {
          n++;
          if (line.trim() === '') continue;
          if (line.length > MAX_LINE)
            throw new AppError('PAYLOAD_TOO_LARGE', `${o.input}:${n}: line longer than ${MAX_LINE} characters`);
          let rec: unknown;
          try {
            rec = JSON.parse(line);
          } catch {
            throw new AppError('VALIDATION', `${o.input}:${n}: not JSON`);
          }
          const r = rec as { id?: unknown; text?: unknown };
          if (typeof rec !== 'object' || rec === null || typeof r.text !== 'string')
            throw new AppError('VALIDATION', `${o.input}:${n}: expected {"id": ..., "text": "..."}`);
          const id = typeof r.id === 'string' || typeof r.id === 'number' ? r.id : String(r.id ?? n);
          if (!out.write(`${JSON.stringify({ id, techniques: techniquesOf(model, r.text, top) })}\n`))
            await once(out, 'drain');
          lines++;
        }
      } finally {
        out.end();
        await once(out, 'close');
      }
      process.stderr.write(`text attack: ${lines} lines, model ${model.info.version}\n`);
    });

  cmd
    .command('iocs')
    .description('indicators in a report (PDF, HTML, text, Markdown, e-mail), refanged, known-benign ones dropped')
    .requiredOption('--input <file>', 'the report')
    .option('--warninglists <dir>', 'MISP warninglists folder (default: $INTERSOC_WARNINGLISTS or the shared corpus)')
    .option('--json', 'print {"iocs": [...], "dropped": [...]}')
    .action(async (o: { input: string; warninglists?: string; json?: boolean }) => {
      const doc = await extractIsolated(readInput(o.input), { name: path.basename(o.input) });
      const r = collectIocs(doc, BenignFilter.fromDirectory(warninglistsDir(o.warninglists)));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      for (const i of r.iocs) process.stdout.write(`${i.type}\t${i.value}\n`);
      for (const d of r.dropped) process.stdout.write(`# dropped ${d.type}\t${d.value}\t(${d.reason})\n`);
    });

  cmd
    .command('extract')
    .description('the text of a report, with its paragraphs, pages and sentences')
    .requiredOption('--input <file>', 'the report')
    .option('--json', 'print the document as JSON')
    .action(async (o: { input: string; json?: boolean }) => {
      const doc = await extractIsolated(readInput(o.input), { name: path.basename(o.input) });
      if (o.json) {
        process.stdout.write(`${JSON.stringify(doc)}\n`);
        return;
      }
      process.stdout.write(
        `${doc.format}, ${doc.pages} page(s), ${doc.paragraphs.length} paragraphs, ${doc.sentences.length} sentences\n`,
      );
      for (const w of doc.warnings) process.stdout.write(`warning: ${w}\n`);
      process.stdout.write(`${doc.text}\n`);
    });

  cmd
    .command('train')
    .description('rebuild the ATT&CK sentence model from the shared corpora (TRAM, ATT&CK), split by document')
    .option('--corpora <dir>', 'the shared corpora (default: ../shared/corpora or $INTERSOC_CORPORA)')
    .option('--output <file>', 'where to write the model', defaultModelPath())
    .option('--model-version <v>', 'model version', `tram-${new Date().toISOString().slice(0, 10)}`)
    .option('--json', 'print the held-out figures as JSON')
    .action((o: { corpora?: string; output: string; modelVersion: string; json?: boolean }) => {
      const trained = trainRelease(o.corpora ?? corporaDir(), o.modelVersion, [], {
        ...DEFAULT_TRAIN,
        log: (l) => process.stderr.write(`${l}\n`),
      });
      writeFileSync(o.output, trained.model.serialise());
      const f = trained.figures;
      process.stdout.write(
        o.json
          ? `${JSON.stringify({ version: o.modelVersion, output: o.output, heldOut: f })}\n`
          : `wrote ${o.output}: micro-F1 ${f.microF1} on ${f.sentences} held-out sentences of ${f.documents} documents (naive Bayes ${f.baselineMicroF1})\n`,
      );
    });
}
