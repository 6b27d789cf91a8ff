/**
 * @module
 * The mordor check of the incident builder: each OTRF Security-Datasets capture is labelled with
 * the ATT&CK techniques it was recorded for. Every capture is parsed, run through the Sigma
 * detector and the incident builder; where rules fire, do the incidents' techniques include the
 * label? The fraction is a report, not a gate: it mostly measures rule coverage, while the
 * builder must only never lose a technique an alert carried.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { eventId, stableId, type SocEvent } from '@intersoc/core';
import { IncidentBuilder } from '@intersoc/correlate';
import { SigmaDetector, type SigmaRuleSet } from '@intersoc/detect';
import { parseWindowsObject } from '@intersoc/ingest';

/** One capture's outcome. */
export interface MordorDataset {
  readonly file: string;
  readonly labels: readonly string[];
  readonly events: number;
  readonly alerts: number;
  readonly incidents: number;
  /** Techniques of the incidents. */
  readonly techniques: readonly string[];
  /** Some incident technique is a label (or its parent or sub-technique). */
  readonly hit: boolean;
  /** Some incident technique is exactly a label. */
  readonly exact: boolean;
  /** Every technique an alert carried is in some incident. */
  readonly kept: boolean;
}

/** The report. */
export interface MordorReport {
  readonly datasets: number;
  /** Datasets where some rule fired. */
  readonly fired: number;
  readonly hits: number;
  readonly exact: number;
  /** hits / fired. */
  readonly fraction: number;
  readonly events: number;
  readonly alerts: number;
  readonly details: readonly MordorDataset[];
}

interface ManifestEntry {
  readonly file: string;
  readonly attack_techniques?: readonly string[];
}

function matches(labels: readonly string[], techniques: ReadonlySet<string>): { hit: boolean; exact: boolean } {
  const list = [...techniques];
  return {
    hit: labels.some((l) => list.some((t) => t === l || t.startsWith(`${l}.`) || l.startsWith(`${t}.`))),
    exact: labels.some((l) => techniques.has(l)),
  };
}

/** Runs the labelled Windows captures of the mordor corpus (those `select` keeps) through `ruleSet`. */
export function mordorIncidentReport(
  corpora: string,
  ruleSet: SigmaRuleSet,
  select: (file: string) => boolean = () => true,
  log: (line: string) => void = () => undefined,
): MordorReport {
  const dir = path.join(corpora, 'mordor');
  const manifest = readFileSync(path.join(dir, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ManifestEntry)
    .filter(
      (m) => m.file.startsWith('windows/') && m.file.endsWith('.jsonl.gz') && (m.attack_techniques?.length ?? 0) > 0,
    )
    .filter((m) => select(m.file) && existsSync(path.join(dir, m.file)));
  const details: MordorDataset[] = [];
  let events = 0;
  let alerts = 0;
  for (const m of manifest) {
    const detector = new SigmaDetector({ ruleSet });
    const evs: SocEvent[] = [];
    let i = 0;
    for (const line of gunzipSync(readFileSync(path.join(dir, m.file)))
      .toString('utf8')
      .split('\n')) {
      if (line.length === 0 || line[0] !== '{') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        continue; // a few captures hold pretty-printed fragments; whole lines only
      }
      const r = parseWindowsObject(obj);
      if (!r.ok) continue;
      evs.push({
        id: eventId('mordor', `${m.file}:${i++}`, line),
        time: r.value.time ?? 0,
        ingested: 0,
        tenant: 'mordor',
        source: { format: 'windows', kind: 'file', name: m.file },
        raw: line,
        fields: r.value.fields,
        ecs: r.value.ecs,
      });
    }
    evs.sort((a, b) => a.time - b.time);
    events += evs.length;
    const builder = new IncidentBuilder();
    const alertTechniques = new Set<string>();
    let count = 0;
    for (let k = 0; k < evs.length; k += 2_000) {
      for (const d of detector.detect(evs.slice(k, k + 2_000))) {
        count++;
        for (const t of d.techniques) alertTechniques.add(t.toUpperCase());
        builder.add({
          ...d,
          id: stableId('mordor', d.detector.ruleId, ...d.eventIds),
          tenant: 'mordor',
          created: d.time,
        });
      }
    }
    alerts += count;
    if (count === 0) continue;
    const incidents = builder.drain().incidents;
    const techniques = new Set(incidents.flatMap((x) => x.techniques));
    const labels = (m.attack_techniques ?? []).map((t) => t.toUpperCase());
    const { hit, exact } = matches(labels, techniques);
    const kept = [...alertTechniques].every((t) => techniques.has(t));
    details.push({
      file: m.file,
      labels,
      events: evs.length,
      alerts: count,
      incidents: incidents.length,
      techniques: [...techniques].sort(),
      hit,
      exact,
      kept,
    });
    log(`${hit ? 'hit ' : 'miss'} ${m.file} ${labels.join(',')} -> ${[...techniques].sort().join(',')}`);
  }
  const hits = details.filter((d) => d.hit).length;
  return {
    datasets: manifest.length,
    fired: details.length,
    hits,
    exact: details.filter((d) => d.exact).length,
    fraction: details.length === 0 ? 0 : Math.round((hits / details.length) * 1000) / 1000,
    events,
    alerts,
    details,
  };
}
