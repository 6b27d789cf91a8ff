/**
 * @module
 * `bench incidents`: one million generated alerts through the incident builder. The alerts have
 * the entity overlap of a real estate: 2,000 hosts with their owners, a few hundred admin and
 * service accounts that touch many hosts, popular external destinations, programs in system and
 * user folders, attack stories that move laterally between hosts, spread over 30 days.
 * Reports alerts/s; the baseline is `JSON.parse` of the same alert lines in the same run, so
 * `ratio` is builder speed over parse speed (goal ≥ 0.5). Memory is sampled after full
 * collections along the run: it must follow the open windows, not the history. Memberships are
 * taken per batch of 2,000 (as the node stores them), incident snapshots every 10,000. Without
 * `--quick`, the mordor report follows (incident techniques against each capture's label).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Alert } from '@intersoc/core';
import { IncidentBuilder } from '@intersoc/correlate';
import { loadRuleSet, starterPackDir } from '@intersoc/detect';
import { mordorIncidentReport } from '../node/incidents/mordor.js';
import { AlertGenerator } from './_incident-alerts.js';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

let collect: (() => void) | undefined;

function gc(): void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  collect();
}

const CHUNK = 2_000;
const DRAIN_EVERY = 10_000;

async function run(o: BenchOptions): Promise<BenchResult> {
  const total = o.quick ? 100_000 : 1_000_000;
  // The quick run keeps the density of the full one (alerts per window), on fewer days.
  const gen = new AlertGenerator(2_000, (30 * 86_400_000 * total) / 1_000_000, total);
  const builder = new IncidentBuilder();
  gc();
  const heapStart = process.memoryUsage().heapUsed;
  let parseMs = 0;
  let buildMs = 0;
  let bytes = 0;
  let sinceDrain = 0;
  let snapshots = 0;
  let members = 0;
  let closed = 0;
  const heapSamples: { alerts: number; heapMb: number; open: number; keys: number }[] = [];
  for (let done = 0; done < total;) {
    const n = Math.min(CHUNK, total - done);
    const lines: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const l = gen.next();
      lines[i] = l;
      bytes += l.length;
    }
    // Baseline and measured run alternate per chunk, on the same lines.
    let t = performance.now();
    const parsed: Alert[] = new Array<Alert>(n);
    for (let i = 0; i < n; i++) parsed[i] = JSON.parse(lines[i] as string) as Alert;
    parseMs += performance.now() - t;
    t = performance.now();
    for (let i = 0; i < n; i++) {
      builder.add(parsed[i] as Alert);
      if (i === n - 1) members += builder.takeMembers().length;
      if (++sinceDrain >= DRAIN_EVERY) {
        sinceDrain = 0;
        const c = builder.drain();
        snapshots += c.incidents.length;
        closed += c.closed.length;
      }
    }
    buildMs += performance.now() - t;
    done += n;
    if (done % 200_000 === 0 || done === total) {
      gc();
      const s = builder.stats();
      const heapMb = Math.round(((process.memoryUsage().heapUsed - heapStart) / 1_048_576) * 10) / 10;
      heapSamples.push({ alerts: done, heapMb, open: s.open, keys: s.keys });
      o.log(`${done} alerts: ${s.open} open incidents, ${s.keys} keys, builder heap ${heapMb} MB`);
    }
  }
  const last = builder.drain();
  snapshots += last.incidents.length;
  const s = builder.stats();
  const value = Math.round(total / (buildMs / 1000));
  const baseline = Math.round(total / (parseMs / 1000));
  o.log(`builder ${value} alerts/s, JSON.parse ${baseline} alerts/s, ${s.created} incidents, ${s.merges} merges`);
  let mordor: Record<string, unknown> | undefined;
  if (!o.quick && existsSync(path.join(o.corpora, 'mordor', 'manifest.jsonl'))) {
    const report = (rules: string, label: string): Record<string, unknown> => {
      const { ruleSet } = loadRuleSet([rules]);
      const r = mordorIncidentReport(o.corpora, ruleSet);
      o.log(`mordor with ${label}: ${r.hits}/${r.fired} captures where rules fire have incidents carrying the label`);
      return { datasets: r.datasets, fired: r.fired, hits: r.hits, exact: r.exact, fraction: r.fraction };
    };
    mordor = { starter: report(starterPackDir(), 'the starter pack') };
    const sigmahq = path.join(o.corpora, 'sigma', 'rules', 'windows');
    if (existsSync(sigmahq)) mordor['sigmahq'] = report(sigmahq, "SigmaHQ's Windows rules");
  }
  return benchResult({
    name: 'incidents',
    unit: 'alerts/s',
    value,
    baseline_value: baseline,
    cores: 1,
    extra: {
      alerts: total,
      bytes,
      incidents: s.created,
      merges: s.merges,
      snapshots,
      members,
      closed,
      open_at_end: s.open,
      keys_at_end: s.keys,
      heap: heapSamples,
      ...(mordor ? { mordor } : {}),
    },
  });
}

/** The benchmark. */
export const bench: BenchModule = {
  description:
    'incident builder: alerts/s on 1M generated alerts with entity overlap vs JSON.parse; memory over the run',
  run,
};
