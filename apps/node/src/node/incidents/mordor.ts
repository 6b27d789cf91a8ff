/**
 * @module
 * The mordor check of the incident builder: each OTRF Security-Datasets capture is labelled with
 * the ATT&CK techniques it was recorded for. Every capture is parsed, run through the Sigma
 * detector and the incident builder; where rules fire, do the incidents' techniques include the
 * label? The fraction is a report, not a gate: it mostly measures rule coverage, while the
 * builder must never lose a technique an alert of medium severity or more carried, beyond the
 * alternatives incidents settle on their evidence (exfiltration channel, guessing or spraying).
 */
import { SEVERITIES, stableId } from '@intersoc/core';
import { IncidentBuilder } from '@intersoc/correlate';
import { SigmaDetector, type SigmaRuleSet } from '@intersoc/detect';
import { captureEvents, mordorCaptures } from '../mordor-captures.js';

/** Techniques an incident may settle away on its evidence (see `@intersoc/correlate`'s attribution). */
const SETTLED = /^T(1041|1048|1567|1110\.003)(\.|$)/;
const MEDIUM = SEVERITIES.indexOf('medium');

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
  /** Every technique an alert of medium severity or more carried is in some incident (settled alternatives aside). */
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
  const manifest = mordorCaptures(corpora, select);
  const details: MordorDataset[] = [];
  let events = 0;
  let alerts = 0;
  for (const m of manifest) {
    const detector = new SigmaDetector({ ruleSet });
    const evs = captureEvents(corpora, m.file, 'mordor');
    events += evs.length;
    const builder = new IncidentBuilder();
    const alertTechniques = new Set<string>();
    let count = 0;
    for (let k = 0; k < evs.length; k += 2_000) {
      for (const d of detector.detect(evs.slice(k, k + 2_000))) {
        count++;
        if (SEVERITIES.indexOf(d.severity) >= MEDIUM) {
          for (const t of d.techniques) if (!SETTLED.test(t.toUpperCase())) alertTechniques.add(t.toUpperCase());
        }
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
    const labels = m.labels;
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
