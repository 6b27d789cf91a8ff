/**
 * @module
 * `bench ioc`: loads 1,000,000 generated indicators (mixed hashes, IPv4/IPv6 addresses, CIDRs,
 * domains with and without subdomains, URLs, plus values seen in the corpus so matches happen)
 * into the indicator indexes, then matches mordor events with the pipeline detector. Reports load
 * time, heap per million indicators, and events/s for matching alone over the whole stream: each
 * batch of 10,000 events is matched once, in order, as the pipeline would (no best-of passes over
 * warm data). The baseline is plain `JSON.parse` of the same lines, timed batch by batch between
 * the matching (so load from elsewhere hits both). Goals: matching costs less than half of parsing
 * (ratio ≥ 2) and under 300 MB per million indicators.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SocEvent } from '@intersoc/core';
import { eventId } from '@intersoc/core';
import type { IocKind, SimpleIndicator } from '@intersoc/cti';
import { IocDetector, IocIndex } from '@intersoc/detect';
import { parseWindowsObject } from '@intersoc/ingest';
import { mordorLines } from './_corpus.js';
import { benchResult, type BenchModule, type BenchOptions } from './types.js';

/** Deterministic xorshift32. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/**
 * A flat copy of a string built by concatenation. Generated text would otherwise stay as rope
 * (cons) strings several times their size, while real indicators arrive flat from JSON.parse.
 */
function flat(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function hex(r: () => number, len: number): string {
  let s = '';
  while (s.length < len) s += r().toString(16).padStart(8, '0');
  return s.slice(0, len);
}

/** A first octet outside private, loopback and multicast space, as threat feeds list. */
function publicOctet(r: () => number): number {
  for (;;) {
    const o = (r() % 223) + 1;
    if (o !== 10 && o !== 127 && o !== 172 && o !== 192 && o !== 169) return o;
  }
}

const WORDS = ['mail', 'cdn', 'update', 'login', 'secure', 'api', 'files', 'img', 'portal', 'sync', 'data', 'web'];
const TLDS = ['com', 'net', 'org', 'info', 'io', 'ru', 'cn', 'biz', 'xyz', 'top'];

/** Generates `n` indicators; `seen` holds real values planted so the run produces matches. */
function generate(n: number, seen: readonly [IocKind, string][]): SimpleIndicator[] {
  const r = rng(0x5eed);
  const out: SimpleIndicator[] = [];
  // Valid since before the corpus was recorded, so the lifecycle check lets planted values match.
  const created = Date.UTC(2015, 0, 1);
  for (let i = 0; i < n; i++) {
    const id = `indicator--${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-8${hex(r, 3)}-${hex(r, 12)}`;
    const pick = r() % 100;
    let kind: IocKind;
    let value: string;
    let subdomains = false;
    if (i % 100 === 0 && i / 100 < seen.length) {
      [kind, value] = seen[i / 100] as [IocKind, string];
    } else if (pick < 30) {
      kind = 'hash';
      value = hex(r, pick < 10 ? 32 : pick < 20 ? 40 : 64);
    } else if (pick < 55) {
      kind = 'ip';
      value = `${publicOctet(r)}.${r() % 256}.${r() % 256}.${r() % 256}`;
    } else if (pick < 65) {
      kind = 'ip';
      const len = 20 + (r() % 11);
      value = `${publicOctet(r)}.${r() % 256}.${r() % 256}.0/${len}`;
    } else if (pick < 67) {
      kind = 'ip';
      value = `2001:db8:${hex(r, 4)}:${hex(r, 4)}::/64`;
    } else if (pick < 87) {
      kind = 'domain';
      subdomains = pick < 72;
      value = `${WORDS[r() % WORDS.length]}-${hex(r, 6)}.${TLDS[r() % TLDS.length]}`;
    } else {
      kind = 'url';
      value = `http://${hex(r, 8)}.${TLDS[r() % TLDS.length]}/${WORDS[r() % WORDS.length]}/${hex(r, 6)}.php`;
    }
    out.push({
      id: flat(id),
      kind,
      value: flat(value),
      confidence: 50 + (r() % 50),
      created,
      validFrom: created,
      ...(subdomains ? { subdomains } : {}),
    });
  }
  return out;
}

let collect: (() => void) | undefined;

/** Full GC, exposed at run time (each new vm context costs heap, so the function is fetched once). */
function gc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

function toEvents(lines: readonly string[], offset: number): SocEvent[] {
  const out: SocEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const r = parseWindowsObject(JSON.parse(line) as unknown);
    if (!r.ok) continue;
    const time = r.value.time ?? 0;
    out.push({
      id: eventId('bench', `mordor:${offset + i}`, line),
      time,
      ingested: time,
      tenant: 'bench',
      source: { format: 'windows', kind: 'replay', name: 'mordor' },
      raw: line,
      fields: r.value.fields,
      ecs: r.value.ecs,
    });
  }
  return out;
}

/**
 * Values in the corpus that indicators should hit: public destination addresses, DNS names and
 * image hashes that occur rarely (a real indicator list hits a few events, not every DLL load).
 */
function harvest(events: readonly SocEvent[]): [IocKind, string][] {
  const counts = new Map<string, { kind: IocKind; n: number }>();
  const see = (kind: IocKind, v: string): void => {
    const c = counts.get(v);
    if (c) c.n++;
    else counts.set(v, { kind, n: 1 });
  };
  for (const e of events) {
    const dst = e.ecs['destination.ip'];
    if (typeof dst === 'string' && !/^(10|127|172|192\.168)\./.test(dst)) see('ip', dst);
    const q = e.ecs['dns.question.name'];
    if (typeof q === 'string' && q.includes('.')) see('domain', q.toLowerCase());
    const h = e.fields['Hashes'];
    const m = typeof h === 'string' ? /SHA256=([0-9A-Fa-f]{64})/.exec(h) : null;
    if (m) see('hash', (m[1] as string).toLowerCase());
  }
  return [...counts]
    .filter(([, c]) => c.n <= 3)
    .slice(0, 50)
    .map(([v, c]) => [c.kind, v]);
}

/** Wall and CPU seconds of `fn` (CPU time is this process's, so load from elsewhere counts less). */
function timed(fn: () => number): { seconds: number; cpu: number; result: number } {
  const cpu0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  const result = fn();
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, cpu: (cpu.user + cpu.system) / 1e6, result };
}

async function run(o: BenchOptions) {
  const nIndicators = o.quick ? 100_000 : 1_000_000;
  const nLines = o.quick ? 20_000 : 200_000;
  o.log(`reading ${nLines} mordor lines`);
  // A few corpus files are pretty-printed JSON, whose lines are fragments; keep whole records.
  const lines = mordorLines(o.corpora, nLines).filter((l) => {
    try {
      JSON.parse(l);
      return true;
    } catch {
      return false;
    }
  });
  const seen = harvest(toEvents(lines.slice(0, 20_000), 0));
  o.log(`generating ${nIndicators} indicators (${seen.length} corpus values planted)`);
  let indicators: SimpleIndicator[] | undefined = generate(nIndicators, seen);
  const kinds: Record<string, number> = {};
  for (const i of indicators) kinds[i.kind] = (kinds[i.kind] ?? 0) + 1;
  const t0 = process.hrtime.bigint();
  let index: IocIndex | undefined = new IocIndex();
  for (const ind of indicators) index.add(ind);
  const loadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const loaded = index.size;
  indicators = undefined;
  o.log(`loaded ${loaded} in ${loadSeconds.toFixed(2)} s`);

  let detector: IocDetector | undefined = new IocDetector({ index, decay: false });
  const CHUNK = 10_000;
  let matchSeconds = 0;
  let matchCpu = 0;
  let parseSeconds = 0;
  let parseCpu = 0;
  let events = 0;
  let alerts = 0;
  for (let at = 0; at < lines.length; at += CHUNK) {
    const chunk = lines.slice(at, at + CHUNK);
    const parsed = timed(() => {
      let keys = 0;
      for (const l of chunk) keys += Object.keys(JSON.parse(l) as object).length;
      return keys;
    });
    parseSeconds += parsed.seconds;
    parseCpu += parsed.cpu;
    const batch = toEvents(chunk, at);
    // Each batch once, as the stream delivers it: the first batches pay for cold code and caches.
    const m = timed(() => (detector as IocDetector).detect(batch).length);
    matchSeconds += m.seconds;
    matchCpu += m.cpu;
    events += batch.length;
    alerts += m.result;
  }
  const matchRate = events / matchSeconds;
  // What the index retains: heap with it minus heap once it is dropped (both after full GCs),
  // which is immune to garbage and flushed code from earlier phases.
  gc();
  const withIndex = process.memoryUsage().heapUsed;
  index = undefined;
  detector = undefined;
  gc();
  const heapBytes = withIndex - process.memoryUsage().heapUsed;
  const mbPerMillion = heapBytes / 1048576 / (loaded / 1_000_000);
  o.log(`index heap ${(heapBytes / 1048576).toFixed(1)} MB = ${mbPerMillion.toFixed(1)} MB per million`);
  o.log(`matched ${events} events in ${matchSeconds.toFixed(2)} s (${alerts} alerts)`);
  const parse = lines.length / parseSeconds;
  o.log(`JSON.parse baseline ${Math.round(parse)} lines/s`);
  return benchResult({
    name: 'ioc',
    unit: 'events/s',
    value: Math.round(matchRate),
    baseline_value: Math.round(parse),
    cores: 1,
    extra: {
      indicators: loaded,
      indicator_kinds: kinds,
      load_seconds: Math.round(loadSeconds * 100) / 100,
      load_indicators_per_s: Math.round(loaded / loadSeconds),
      heap_mb_per_million: Math.round(mbPerMillion * 10) / 10,
      events,
      alerts,
      match_seconds: Math.round(matchSeconds * 1000) / 1000,
      json_parse_seconds: Math.round(parseSeconds * 1000) / 1000,
      // The same ratio in CPU time of this process, steadier on a shared machine.
      cpu_ratio: Math.round((events / matchCpu / (lines.length / parseCpu)) * 1000) / 1000,
      goal_ratio_min: 2,
      goal_mb_per_million_max: 300,
    },
  });
}

/** The benchmark. */
export const bench: BenchModule = {
  description: 'indicator matching: 1M generated indicators against mordor events vs JSON.parse',
  run,
};
