/**
 * @module
 * The input of `bench scale`: a folder holding the mordor corpus's one-line records and, when
 * the corpus holds fewer than asked (455,377 against the 500,000), the rest from the
 * project's simulator (`@intersoc/simulate`, fixed seed and start, so every run reads the same
 * bytes). Simulated records go to one file per format (Windows and Zeek JSON, RFC 5424 syslog,
 * auditd) because `intersoc ingest` detects the format per file.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { simulate, type SimFormat } from '@intersoc/simulate';
import { mordorLines } from './_corpus.js';

/** Seed and start of the top-up; changing either changes the bench input. */
const SIM_SEED = 19;
const SIM_START = Date.UTC(2026, 0, 5, 0, 0, 0);
const SIM_HOURS = 24;

/** What went into the input folder. */
export interface ScaleInput {
  readonly dir: string;
  readonly events: number;
  readonly mordor: number;
  readonly simulated: number;
  /** Simulated records per format. */
  readonly simulatedByFormat: Readonly<Record<string, number>>;
}

function writeLines(file: string, lines: readonly string[]): void {
  // In chunks: 500,000 records joined at once pass V8's maximum string length.
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < lines.length; i += 10_000) writeSync(fd, `${lines.slice(i, i + 10_000).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Writes `n` records into `dir`: mordor first, the simulator for the rest (corpus absent: all). */
export function writeScaleInput(corpora: string, n: number, dir: string): ScaleInput {
  mkdirSync(dir, { recursive: true });
  let mordor: string[] = [];
  try {
    mordor = mordorLines(corpora, n);
  } catch {
    // No corpus: the simulator alone fills the input (the figures then say mordor 0).
  }
  if (mordor.length > 0) writeLines(path.join(dir, 'mordor.jsonl'), mordor);
  const byFormat = new Map<SimFormat, string[]>();
  let simulated = 0;
  const want = n - mordor.length;
  // Windows of 24 h one after another, each with its own seed, until enough records came out.
  for (let round = 0; simulated < want; round++) {
    const start = SIM_START + round * SIM_HOURS * 3_600_000;
    for (const r of simulate({ seed: SIM_SEED + round, hours: SIM_HOURS, start, hosts: 50, intensity: 10 })) {
      let list = byFormat.get(r.format);
      if (list === undefined) byFormat.set(r.format, (list = []));
      list.push(r.record);
      if (++simulated >= want) break;
    }
  }
  const counts: Record<string, number> = {};
  for (const [format, lines] of byFormat) {
    writeLines(path.join(dir, `sim-${format}.${format === 'windows' || format === 'zeek' ? 'jsonl' : 'log'}`), lines);
    counts[format] = lines.length;
  }
  return { dir, events: mordor.length + simulated, mordor: mordor.length, simulated, simulatedByFormat: counts };
}
