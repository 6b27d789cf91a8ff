/**
 * @module
 * `bench detection`: detection quality on real data, not on the simulator the starter pack was
 * written for. Every ATT&CK-labelled Windows capture of the mordor corpus runs through SigmaHQ's
 * Windows rules and, as the baseline, through the node's starter pack. Reports the detection rate
 * per capture label and the off-label alert rate as the false-positive estimate (see
 * `_detection.ts` for the definitions and why no benign-labelled data was used). `--quick` takes
 * the credential-access captures only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '@intersoc/core';
import { loadRuleSet, starterPackDir } from '@intersoc/detect';
import { detectionReport, type DetectionReport } from './_detection.js';
import { benchResult, type BenchModule, type BenchOptions, type BenchResult } from './types.js';

const BENIGN_NOTE =
  'No Windows host logs in the corpora are labelled benign. Each mordor capture is a short attack ' +
  "over the lab's ordinary background, labelled per capture, so false positives are estimated as " +
  "alerts whose techniques belong to no label family of the capture (an upper bound: an attack's " +
  'side effects may rightly trip other rules), and rules off-label in a quarter of the captures ' +
  "or more fire on the lab's background whatever the attack.";

function summary(r: DetectionReport, rules: number, rejected: number): Record<string, unknown> {
  return {
    rules,
    rules_rejected: rejected,
    label_rate: r.labelRate,
    capture_rate: r.captureRate,
    any_alert_rate: r.anyAlertRate,
    alerts: r.alerts,
    labels: r.labels,
    false_positives: {
      off_label_alerts: r.offLabel.alerts,
      off_label_events: r.offLabel.events,
      off_label_event_rate: r.offLabel.eventRate,
      off_label_alerts_per_1k_events: r.offLabel.alertsPer1kEvents,
      off_label_by_level: r.offLabel.byLevel,
      background_rules: r.offLabel.backgroundRules.slice(0, 30),
      background_rule_count: r.offLabel.backgroundRules.length,
      background_alerts_per_1k_events: r.offLabel.backgroundAlertsPer1kEvents,
    },
    misses: r.details.filter((d) => !d.detected).map((d) => ({ file: d.file, labels: d.labels, alerts: d.alerts })),
  };
}

async function run(o: BenchOptions): Promise<BenchResult> {
  const sigmahq = path.join(o.corpora, 'sigma', 'rules', 'windows');
  if (!existsSync(path.join(o.corpora, 'mordor', 'manifest.jsonl')) || !existsSync(sigmahq))
    throw new AppError('NOT_FOUND', `mordor captures or SigmaHQ rules not found under ${o.corpora}`);
  const select = o.quick ? (f: string): boolean => f.includes('/credential_access/') : () => true;
  const score = (dir: string, name: string): { report: DetectionReport; extra: Record<string, unknown> } => {
    const loaded = loadRuleSet([dir]);
    o.log(`${name}: ${loaded.ruleSet.rules.length} rules (${loaded.allRejected.length} rejected)`);
    const report = detectionReport(o.corpora, loaded.ruleSet, select);
    o.log(
      `${name}: labels detected ${report.labelRate} (mean over ${report.labels.length} labels), ` +
        `captures ${report.captureRate}, off-label events ${report.offLabel.eventRate}`,
    );
    return { report, extra: summary(report, loaded.ruleSet.rules.length, loaded.allRejected.length) };
  };
  const hq = score(sigmahq, 'SigmaHQ');
  const starter = score(starterPackDir(), 'starter pack');
  return benchResult({
    name: 'detection',
    unit: 'mean detection rate over mordor capture labels (SigmaHQ Windows rules)',
    value: hq.report.labelRate,
    baseline_value: starter.report.labelRate,
    cores: 1,
    extra: {
      baseline: "the node's starter pack on the same captures",
      captures: hq.report.captures,
      captures_without_events: hq.report.empty,
      events: hq.report.events,
      benign_data: BENIGN_NOTE,
      sigmahq: hq.extra,
      starter: starter.extra,
    },
  });
}

/** The `detection` benchmark. */
export const bench: BenchModule = {
  description: 'detection rate per mordor capture label and off-label (false-positive) rate, SigmaHQ vs starter pack',
  run,
};
