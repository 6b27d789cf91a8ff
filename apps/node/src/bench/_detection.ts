/**
 * @module
 * Detection quality on real captures: each labelled mordor capture (OTRF Security-Datasets) runs
 * through a Sigma rule set, and the alerts' ATT&CK tags are compared with the capture's labels.
 *
 * - **Detection rate per label.** A capture is detected for its label when some alert carries the
 *   label's technique, its parent or one of its sub-techniques; per label, the share of its
 *   captures detected. Labels are per capture, not per event (the corpus has no per-event truth).
 * - **False positives.** The corpora hold no Windows host logs labelled benign. Each capture is
 *   a short attack over the lab's ordinary background, so the estimate is the alerts whose
 *   techniques belong to no label family of the capture ("off-label"): an upper bound, since an
 *   attack's side effects may rightly trip other rules. Rules that fire off-label in a quarter
 *   of the captures or more fire on the lab's background whatever the attack: false positives.
 */
import { SEVERITIES, type AlertDraft, type Severity } from '@intersoc/core';
import { SigmaDetector, type SigmaRuleSet } from '@intersoc/detect';
import { captureEvents, mordorCaptures } from '../node/mordor-captures.js';

/** One capture's outcome. */
export interface CaptureScore {
  readonly file: string;
  readonly labels: readonly string[];
  readonly events: number;
  readonly alerts: number;
  /** Techniques the alerts carried. */
  readonly techniques: readonly string[];
  /** Some alert carries a label, its parent or a sub-technique of it. */
  readonly detected: boolean;
  /** Some alert carries a label exactly. */
  readonly exact: boolean;
  /** Alerts whose techniques belong to no label family of the capture. */
  readonly offLabelAlerts: number;
  /** Events that raised at least one off-label alert. */
  readonly offLabelEvents: number;
  /** Alerts of rules without an ATT&CK technique tag (neither hit nor off-label). */
  readonly untagged: number;
}

/** Detection rate of one label over the captures that carry it. */
export interface LabelScore {
  readonly technique: string;
  readonly captures: number;
  readonly detected: number;
  readonly exact: number;
  readonly rate: number;
}

/** A rule that fires off-label in many captures. */
export interface BackgroundRule {
  readonly rule: string;
  readonly title: string;
  readonly level: Severity;
  /** Captures in which it fired off-label. */
  readonly captures: number;
  readonly alerts: number;
}

/** The whole report. */
export interface DetectionReport {
  readonly captures: number;
  /** Captures with no event the parser reads: left out of every rate. */
  readonly empty: readonly string[];
  readonly events: number;
  readonly alerts: number;
  /** Mean over labels of the per-label detection rate. */
  readonly labelRate: number;
  /** Share of captures detected for some label. */
  readonly captureRate: number;
  /** Share of captures where any rule fired. */
  readonly anyAlertRate: number;
  readonly labels: readonly LabelScore[];
  readonly offLabel: {
    readonly alerts: number;
    readonly events: number;
    /** Off-label events / events: the false-positive rate per event, an upper bound. */
    readonly eventRate: number;
    readonly alertsPer1kEvents: number;
    readonly byLevel: Readonly<Record<string, number>>;
    /** Rules off-label in at least a quarter of the captures. */
    readonly backgroundRules: readonly BackgroundRule[];
    /** Alerts of those rules / events: false positives on the lab's background, per event. */
    readonly backgroundAlertsPer1kEvents: number;
  };
  readonly details: readonly CaptureScore[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** `T1003.001` → `T1003`. */
function familyOf(t: string): string {
  const dot = t.indexOf('.');
  return dot < 0 ? t : t.slice(0, dot);
}

/** True when technique `t` is `label`, its parent or one of its sub-techniques. */
export function covers(t: string, label: string): boolean {
  return t === label || t.startsWith(`${label}.`) || label.startsWith(`${t}.`);
}

function upper(list: readonly string[]): string[] {
  return list.map((t) => t.toUpperCase());
}

/** Runs the labelled Windows captures of the mordor corpus (those `select` keeps) through `ruleSet`. */
export function detectionReport(
  corpora: string,
  ruleSet: SigmaRuleSet,
  select: (file: string) => boolean = () => true,
  log: (line: string) => void = () => undefined,
): DetectionReport {
  const captures = mordorCaptures(corpora, select);
  const details: CaptureScore[] = [];
  const byLevel: Record<string, number> = {};
  const background = new Map<string, { title: string; level: Severity; captures: number; alerts: number }>();
  const empty: string[] = [];
  let events = 0;
  let alerts = 0;
  for (const c of captures) {
    const evs = captureEvents(corpora, c.file, 'mordor');
    if (evs.length === 0) {
      empty.push(c.file);
      continue;
    }
    events += evs.length;
    const detector = new SigmaDetector({ ruleSet });
    const drafts: AlertDraft[] = [];
    for (let k = 0; k < evs.length; k += 2_000) drafts.push(...detector.detect(evs.slice(k, k + 2_000)));
    alerts += drafts.length;
    const families = new Set(c.labels.map(familyOf));
    const techniques = new Set<string>();
    const offEvents = new Set<string>();
    const offRules = new Set<string>();
    let off = 0;
    let untagged = 0;
    for (const d of drafts) {
      const tags = upper(d.techniques);
      for (const t of tags) techniques.add(t);
      if (tags.length === 0) {
        untagged++;
        continue;
      }
      if (tags.some((t) => families.has(familyOf(t)))) continue;
      off++;
      byLevel[d.severity] = (byLevel[d.severity] ?? 0) + 1;
      for (const e of d.eventIds) offEvents.add(e);
      const b = background.get(d.detector.ruleId) ?? {
        title: d.detector.ruleTitle,
        level: d.severity,
        captures: 0,
        alerts: 0,
      };
      b.alerts++;
      if (!offRules.has(d.detector.ruleId)) b.captures++;
      offRules.add(d.detector.ruleId);
      background.set(d.detector.ruleId, b);
    }
    const list = [...techniques].sort();
    const detected = c.labels.some((l) => list.some((t) => covers(t, l)));
    details.push({
      file: c.file,
      labels: c.labels,
      events: evs.length,
      alerts: drafts.length,
      techniques: list,
      detected,
      exact: c.labels.some((l) => techniques.has(l)),
      offLabelAlerts: off,
      offLabelEvents: offEvents.size,
      untagged,
    });
    log(`${detected ? 'hit ' : 'miss'} ${c.file} ${c.labels.join(',')}: ${drafts.length} alerts, ${off} off-label`);
  }
  const labels = new Map<string, { captures: number; detected: number; exact: number }>();
  for (const d of details) {
    for (const l of d.labels) {
      const s = labels.get(l) ?? { captures: 0, detected: 0, exact: 0 };
      s.captures++;
      if (d.techniques.some((t) => covers(t, l))) s.detected++;
      if (d.techniques.includes(l)) s.exact++;
      labels.set(l, s);
    }
  }
  const perLabel: LabelScore[] = [...labels.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([technique, s]) => ({ technique, ...s, rate: round(s.detected / s.captures) }));
  const quarter = Math.max(2, Math.ceil(details.length / 4));
  const backgroundRules = [...background.entries()]
    .filter(([, b]) => b.captures >= quarter)
    .map(([rule, b]) => ({ rule, ...b }))
    .sort((a, b) => b.captures - a.captures || b.alerts - a.alerts);
  const offAlerts = details.reduce((n, d) => n + d.offLabelAlerts, 0);
  const offEvents = details.reduce((n, d) => n + d.offLabelEvents, 0);
  const per1k = (n: number): number => (events === 0 ? 0 : round((n / events) * 1000));
  const share = (n: number): number => (details.length === 0 ? 0 : round(n / details.length));
  return {
    captures: details.length,
    empty,
    events,
    alerts,
    labelRate: perLabel.length === 0 ? 0 : round(perLabel.reduce((x, l) => x + l.rate, 0) / perLabel.length),
    captureRate: share(details.filter((d) => d.detected).length),
    anyAlertRate: share(details.filter((d) => d.alerts > 0).length),
    labels: perLabel,
    offLabel: {
      alerts: offAlerts,
      events: offEvents,
      eventRate: events === 0 ? 0 : Math.round((offEvents / events) * 1e5) / 1e5,
      alertsPer1kEvents: per1k(offAlerts),
      byLevel: Object.fromEntries(SEVERITIES.flatMap((s) => (byLevel[s] === undefined ? [] : [[s, byLevel[s]]]))),
      backgroundRules,
      backgroundAlertsPer1kEvents: per1k(backgroundRules.reduce((n, r) => n + r.alerts, 0)),
    },
    details,
  };
}
