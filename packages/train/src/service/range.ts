/**
 * @module
 * The training range: what a run's checks read from its training tenant. Hands-on tasks (open a
 * case for the attack, run the right playbook, write a Sigma rule) and the "find it" levels on
 * alerts (mark the attack's alerts, mark the false positives) are decided against what the tool
 * holds for that tenant, not against a stored key: alerts exist only once the replay has gone
 * through detection, and cases and playbook runs only once the trainee acts. The node implements
 * the range over its real case service, respond engine, event store and Sigma engine; the
 * decisions themselves are here, pure, so they are the same wherever the data comes from.
 */
import type { LevelKey, Verdict } from '../answers/check.js';
import { normalise, splitList } from '../answers/normalise.js';

/** An alert of the training tenant, labelled from its events' ground truth. */
export interface RangeAlert {
  readonly id: string;
  readonly rule: string;
  /** True when one of its events is the attack's, false when all are labelled benign, undefined when unlabelled. */
  readonly attack: boolean | undefined;
}

/** A case opened in the training tenant, with the alerts of its incidents. */
export interface RangeCase {
  readonly id: string;
  readonly number: number;
  readonly created: number;
  readonly createdBy: string;
  readonly alerts: readonly string[];
}

/** A playbook run in the training tenant. */
export interface RangePlaybookRun {
  readonly id: string;
  readonly playbook: string;
  readonly name: string;
  readonly status: string;
  readonly created: number;
}

/** A Sigma rule run over the tenant's labelled events. */
export type SigmaOutcome =
  | {
      readonly ok: true;
      readonly title: string;
      /** Events of the attack the rule should find (the level's techniques, or every attack event). */
      readonly attack: number;
      readonly attackMatched: number;
      readonly benign: number;
      readonly benignMatched: number;
    }
  | { readonly ok: false; readonly reason: string };

/** What checks read from a training tenant (the node implements it over its real services). */
export interface TrainingRange {
  alerts(tenant: string): Promise<readonly RangeAlert[]>;
  /** Cases of the tenant created at or after `since`. */
  cases(tenant: string, since: number): Promise<readonly RangeCase[]>;
  /** Playbook runs of the tenant created at or after `since`. */
  playbookRuns(tenant: string, since: number): Promise<readonly RangePlaybookRun[]>;
  /** Runs `rule` (Sigma YAML) over the tenant's events; attack events are those labelled with one of `techniques` (any attack label when empty). */
  sigma(tenant: string, rule: string, techniques: readonly string[]): Promise<SigmaOutcome>;
  /** Copies the playbook named `ref` (id or name) from `from` into the training tenant `to`, so it can be run there. */
  copyPlaybook?(from: string, to: string, ref: string): Promise<boolean>;
}

/** Whether an event label is one of `techniques` (a sub-technique counts for its parent), or any attack label. */
export function labelIsAttack(label: string | undefined, techniques: readonly string[]): boolean | undefined {
  if (label === undefined || label === '') return undefined;
  if (label === 'benign') return false;
  if (techniques.length === 0) return true;
  const l = label.toUpperCase();
  return techniques.some((t) => l === t.toUpperCase() || l.startsWith(`${t.toUpperCase()}.`));
}

/** Marks alerts as the attack's (`attack`) or as false positives (`benign`): F1 against the labels. */
export function checkAlertMarks(
  alerts: readonly RangeAlert[],
  target: 'attack' | 'benign',
  answer: string,
  tolerance: number,
): Verdict {
  const want = new Set(alerts.filter((a) => a.attack === (target === 'attack')).map((a) => a.id.toLowerCase()));
  if (want.size === 0)
    return {
      correct: false,
      note: `no ${target === 'attack' ? 'attack alerts' : 'false positives'} yet in your tenant`,
    };
  const got = new Set(splitList(answer).map((x) => normalise('exact', x).toLowerCase()));
  let hit = 0;
  for (const g of got) if (want.has(g)) hit++;
  const precision = got.size === 0 ? 0 : hit / got.size;
  const recall = hit / want.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    correct: f1 >= tolerance,
    precision,
    recall,
    note: `${got.size} marked; precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`,
  };
}

/**
 * A case is right when the alerts of its incidents hold the attack: at least one attack alert,
 * and no more false positives than attack alerts. `answer` names the case (`#3`, `3` or its id);
 * empty means any case opened during the run.
 */
export function checkCase(cases: readonly RangeCase[], alerts: readonly RangeAlert[], answer: string): Verdict {
  const ref = answer.trim().replace(/^#/, '');
  const chosen = ref === '' ? cases : cases.filter((c) => c.id === ref || String(c.number) === ref);
  if (chosen.length === 0)
    return {
      correct: false,
      note: ref === '' ? 'no case opened in this run yet' : `no case ${answer.trim()} in this run`,
    };
  const label = new Map(alerts.map((a) => [a.id, a.attack]));
  let best: { attack: number; benign: number } = { attack: 0, benign: 0 };
  for (const c of chosen) {
    let attack = 0;
    let benign = 0;
    for (const id of c.alerts) {
      const l = label.get(id);
      if (l === true) attack++;
      else if (l === false) benign++;
    }
    if (attack > 0 && attack >= benign)
      return { correct: true, note: `case #${c.number} holds ${attack} attack alerts` };
    if (attack > best.attack) best = { attack, benign };
  }
  return {
    correct: false,
    note:
      best.attack === 0
        ? 'the case holds none of the attack’s alerts: open it from the incident of the attack'
        : 'the case holds more false positives than attack alerts',
  };
}

/** A playbook run is right when it ran `playbook` (id or name) and did not fail or get cancelled. */
export function checkPlaybookRun(runs: readonly RangePlaybookRun[], playbook: string): Verdict {
  const want = playbook.trim().toLowerCase();
  const mine = runs.filter((r) => r.playbook.toLowerCase() === want || r.name.trim().toLowerCase() === want);
  if (mine.some((r) => r.status !== 'failed' && r.status !== 'cancelled')) return { correct: true };
  if (mine.length > 0) return { correct: false, note: 'the playbook ran but failed or was cancelled' };
  return {
    correct: false,
    note:
      runs.length > 0 ? `${runs.length} playbook runs in this run, none of the right playbook` : 'no playbook run yet',
  };
}

/** A Sigma rule is right when it matches the share `recall` of the attack events and no benign event. */
export function checkSigma(outcome: SigmaOutcome, recall: number): Verdict {
  if (!outcome.ok) return { correct: false, note: `the rule does not compile: ${outcome.reason}` };
  if (outcome.attack === 0) return { correct: false, note: 'no attack events in your tenant yet' };
  const got = outcome.attackMatched / outcome.attack;
  const note = `“${outcome.title}” matched ${outcome.attackMatched} of ${outcome.attack} attack events and ${outcome.benignMatched} of ${outcome.benign} benign events`;
  return { correct: got >= recall && outcome.benignMatched === 0, recall: got, note };
}

/**
 * Decides a task or alert-marking answer against the training tenant `tenant` (the run started
 * at `since`); undefined for keys that are checked without the range.
 */
export async function checkOnRange(
  range: TrainingRange | undefined,
  tenant: string,
  since: number,
  key: LevelKey,
  answer: string,
): Promise<Verdict | undefined> {
  if (key.kind !== 'task' && key.kind !== 'alerts') return undefined;
  if (!range) return { correct: false, note: 'this node cannot check hands-on levels (no training range)' };
  if (key.kind === 'alerts') return checkAlertMarks(await range.alerts(tenant), key.target, answer, key.tolerance);
  switch (key.check) {
    case 'case-from-incident': {
      const [cases, alerts] = await Promise.all([range.cases(tenant, since), range.alerts(tenant)]);
      return checkCase(cases, alerts, answer);
    }
    case 'playbook-run':
      return checkPlaybookRun(await range.playbookRuns(tenant, since), key.playbook ?? '');
    case 'sigma-rule':
      if (answer.trim() === '') return { correct: false, note: 'paste your Sigma rule (YAML) as the answer' };
      return checkSigma(await range.sigma(tenant, answer, key.techniques ?? []), key.recall ?? 1);
  }
}
