/**
 * @module
 * `bench sigma`: hunting speed of the Sigma engine. Loads every Windows rule of SigmaHQ's
 * `rules/` and hunts the evtx JSON renderings plus the mordor corpus: JSON.parse, the Windows
 * parser, then all rules, per event. Measures one core and all cores (worker threads), and in the
 * same run, alternating with the hunt, plain `JSON.parse` of the same lines as the baseline.
 * `profile` splits the one-core time into JSON.parse, the Windows parser and matching. Also
 * reports rule load time, memory, and rules that fire on more than 1% of a mordor dataset's
 * events (false-positive candidates to tune, not failures).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { EventView, loadRuleSet, type SigmaRuleSet } from '@intersoc/detect';
import { parseWindowsObject } from '@intersoc/ingest';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

interface Input {
  readonly lines: string[];
  /** Dataset (file) index of each line. */
  readonly dataset: Int32Array;
  readonly files: string[];
}

function gzFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    for (const n of readdirSync(p).sort()) {
      const f = path.join(p, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (n.endsWith('.jsonl.gz')) out.push(f);
    }
  };
  walk(dir);
  return out;
}

function readInput(corpora: string, quick: boolean): Input {
  const evtx = gzFiles(path.join(corpora, 'evtx'));
  const mordor = gzFiles(path.join(corpora, 'mordor', 'windows'));
  const files = [...evtx, ...mordor];
  const lines: string[] = [];
  const ds: number[] = [];
  // --quick keeps a slice of each corpus: same code paths, a fraction of the events.
  const limit = quick ? 10_000 : Number.POSITIVE_INFINITY;
  let taken = 0;
  files.forEach((f, i) => {
    if (i === evtx.length) taken = 0;
    if (taken >= limit) return;
    for (const l of gunzipSync(readFileSync(f)).toString('utf8').split('\n')) {
      if (l.length === 0) continue;
      lines.push(l);
      ds.push(i);
      taken++;
    }
  });
  return { lines, dataset: Int32Array.from(ds), files };
}

function windowsRules(corpora: string): string {
  return path.join(corpora, 'sigma', 'rules', 'windows');
}

/** The per-event hunt path: parse, flatten, match. Returns rule keys matched. */
function huntLine(ruleSet: SigmaRuleSet, line: string): string[] | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return undefined;
  }
  const r = parseWindowsObject(obj);
  if (!r.ok) return undefined;
  return ruleSet
    .match(new EventView({ fields: r.value.fields, ecs: r.value.ecs, format: 'windows' }))
    .map((x) => x.key);
}

/** Milliseconds `fn` takes. */
function timed(fn: () => number): number {
  const t = performance.now();
  if (fn() < 0) throw new Error('unreachable');
  return performance.now() - t;
}

/** The baseline pass: plain JSON.parse of every line (unparsable lines count all the same). */
function parseOnly(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) {
    try {
      JSON.parse(l);
      n++;
    } catch {
      // counted in the rate all the same
    }
  }
  return n;
}

/** JSON.parse and the Windows parser, no matching: the hunt path up to the rules. */
function parseAndNormalise(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) {
    try {
      if (parseWindowsObject(JSON.parse(l)).ok) n++;
    } catch {
      // as in huntLine
    }
  }
  return n;
}

function rate(n: number, ms: number): number {
  return Math.round(n / Math.max(ms / 1000, 1e-9));
}

/** Worker side: load rules, read its share of lines, wait for `go`, hunt, report. */
function workerMain(): void {
  const { corpora, quick, index, count } = workerData as {
    corpora: string;
    quick: boolean;
    index: number;
    count: number;
  };
  const { ruleSet } = loadRuleSet([windowsRules(corpora)]);
  const input = readInput(corpora, quick);
  const mine = input.lines.filter((_, i) => i % count === index);
  // A warm-up pass compiles the hot paths and builds the rule buckets, as the one-core run's
  // first pass does.
  for (const l of mine) huntLine(ruleSet, l);
  parentPort?.postMessage({ type: 'ready' });
  parentPort?.once('message', () => {
    const t = performance.now();
    let matches = 0;
    for (const l of mine) matches += huntLine(ruleSet, l)?.length ?? 0;
    parentPort?.postMessage({ type: 'done', events: mine.length, matches, ms: performance.now() - t });
  });
}

async function parallel(
  corpora: string,
  quick: boolean,
  count: number,
  log: (s: string) => void,
): Promise<{ rate: number; events: number }> {
  const workers = Array.from(
    { length: count },
    (_, index) =>
      new Worker(new URL(import.meta.url), { workerData: { corpora, quick, index, count, sigmaBenchWorker: true } }),
  );
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => w.once('message', () => resolve()))));
  log(`${count} workers ready`);
  const t = performance.now();
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise<{ events: number }>((resolve) => {
          w.once('message', (m: { events: number }) => resolve(m));
          w.postMessage('go');
        }),
    ),
  );
  const ms = performance.now() - t;
  await Promise.all(workers.map((w) => w.terminate()));
  const events = results.reduce((a, r) => a + r.events, 0);
  return { rate: rate(events, ms), events };
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const { corpora, quick, log } = options;
  const heapBefore = process.memoryUsage().heapUsed;
  let t = performance.now();
  const loaded = loadRuleSet([windowsRules(corpora)]);
  const loadMs = Math.round(performance.now() - t);
  const ruleSet = loaded.ruleSet;
  const ruleHeapMb = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1e5) / 10;
  log(
    `${ruleSet.rules.length} rules (${loaded.allRejected.length} rejected) loaded in ${loadMs} ms, ~${ruleHeapMb} MB heap`,
  );
  const input = readInput(corpora, quick);
  const bytes = input.lines.reduce((a, l) => a + l.length, 0);
  log(`${input.lines.length} events (${Math.round(bytes / 1e6)} MB) from ${input.files.length} files`);

  // One core. Rounds alternate three passes over the same lines and keep the best of each: plain
  // JSON.parse (the baseline), JSON.parse + the Windows parser, and the whole hunt path. Load
  // from elsewhere on the machine then hits every side alike, and the differences between the
  // passes say where the hunt's time goes. The last hunt pass also counts matches per dataset
  // for the false-positive report.
  const rounds = quick ? 2 : 3;
  let parseMs = Number.POSITIVE_INFINITY;
  let parserMs = Number.POSITIVE_INFINITY;
  let huntMs = Number.POSITIVE_INFINITY;
  const perDataset = new Map<number, Map<string, number>>();
  const eventsPerDataset = new Map<number, number>();
  let matches = 0;
  for (let round = 0; round < rounds; round++) {
    parseMs = Math.min(
      parseMs,
      timed(() => parseOnly(input.lines)),
    );
    parserMs = Math.min(
      parserMs,
      timed(() => parseAndNormalise(input.lines)),
    );
    const last = round === rounds - 1;
    t = performance.now();
    matches = 0;
    for (let i = 0; i < input.lines.length; i++) {
      const keys = huntLine(ruleSet, input.lines[i] as string);
      if (!keys) continue;
      matches += keys.length;
      if (last) {
        const d = input.dataset[i] as number;
        eventsPerDataset.set(d, (eventsPerDataset.get(d) ?? 0) + 1);
        if (keys.length > 0) {
          let m = perDataset.get(d);
          if (!m) perDataset.set(d, (m = new Map()));
          for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
        }
      }
    }
    huntMs = Math.min(huntMs, performance.now() - t);
  }
  const baseline = rate(input.lines.length, parseMs);
  const oneCore = rate(input.lines.length, huntMs);
  log(`JSON.parse only: ${baseline} events/s`);
  log(`hunt on one core: ${oneCore} events/s, ${matches} detections`);
  const share = (ms: number): number => Math.round((ms / huntMs) * 100) / 100;
  const profile = {
    json_parse: share(parseMs),
    windows_parser: share(parserMs - parseMs),
    matching: share(huntMs - parserMs),
    json_parse_us_per_event: Math.round((parseMs / input.lines.length) * 1e4) / 10,
    windows_parser_us_per_event: Math.round(((parserMs - parseMs) / input.lines.length) * 1e4) / 10,
    matching_us_per_event: Math.round(((huntMs - parserMs) / input.lines.length) * 1e4) / 10,
  };
  log(
    `one-core time: JSON.parse ${profile.json_parse}, Windows parser ${profile.windows_parser}, matching ${profile.matching}`,
  );

  const cores = availableParallelism();
  const multi = await parallel(corpora, quick, cores, log);
  log(`hunt on ${cores} cores: ${multi.rate} events/s`);

  const titles = new Map(ruleSet.rules.map((r) => [r.key, r.title]));
  const noisy: { dataset: string; rule: string; share: number; matches: number; events: number }[] = [];
  for (const [d, m] of perDataset) {
    const file = input.files[d] as string;
    if (!file.includes(`${path.sep}mordor${path.sep}`)) continue;
    const events = eventsPerDataset.get(d) ?? 0;
    for (const [k, n] of m) {
      if (events > 0 && n / events > 0.01) {
        noisy.push({
          dataset: path.relative(path.join(corpora, 'mordor'), file),
          rule: titles.get(k) ?? k,
          share: Math.round((n / events) * 1000) / 10,
          matches: n,
          events,
        });
      }
    }
  }
  noisy.sort((a, b) => b.share - a.share);
  log(`${noisy.length} (rule, mordor dataset) pairs fire on more than 1% of the dataset's events`);
  return benchResult({
    name: 'sigma',
    unit: 'events/s (one core)',
    value: oneCore,
    baseline_value: baseline,
    cores: 1,
    extra: {
      events: input.lines.length,
      input_mb: Math.round(bytes / 1e6),
      rules: ruleSet.rules.length,
      rules_rejected: loaded.allRejected.length,
      rule_load_ms: loadMs,
      rule_heap_mb: ruleHeapMb,
      detections: matches,
      all_cores: cores,
      all_cores_events_per_s: multi.rate,
      all_cores_ratio: Math.round((multi.rate / baseline) * 1000) / 1000,
      goal_ratio_min: 0.25,
      // Share of the one-core hunt time per stage (best passes of the same run).
      profile,
      buckets: ruleSet.stats().buckets,
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
      false_positive_candidates: noisy.slice(0, 100),
      false_positive_pairs: noisy.length,
    },
  });
}

if (!isMainThread && (workerData as { sigmaBenchWorker?: boolean } | null)?.sigmaBenchWorker) workerMain();

/** The `sigma` benchmark. */
export const bench: BenchModule = {
  description: 'Sigma hunt over evtx JSON + mordor with all Windows rules, one core and all cores, vs JSON.parse',
  run,
};
