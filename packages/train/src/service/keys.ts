/**
 * @module
 * A run's answer keys: each level's key resolved once, when the run starts, from the level's own
 * answers, the scenario's ground truth in the trainee's names, or a value drawn for the run
 * (variant answers). Keys are stored with the run, so a report never depends on anything that
 * may change later.
 */
import { randomBytes } from 'node:crypto';
import type { LevelKey } from '../answers/check.js';
import type { PlacedLevel, ReadyExercise } from '../exercise/levels.js';
import type { TruthFact } from '../exercise/schema.js';
import type { ScenarioTruth } from '../scenario/replay.js';

/** Keys of a run and the per-run values of variant answers. */
export interface RunKeys {
  readonly keys: Record<string, LevelKey>;
  readonly variables: Record<string, string>;
}

function truthValues(truth: ScenarioTruth | undefined, fact: TruthFact): string[] | undefined {
  if (!truth) return undefined;
  switch (fact) {
    case 'first_host':
      return truth.first_host === undefined ? undefined : [truth.first_host];
    case 'initial_technique':
      return truth.initial_technique === undefined ? undefined : [truth.initial_technique];
    case 'attack_hosts':
      return [...truth.attack_hosts];
    case 'attack_users':
      return [...truth.attack_users];
    case 'techniques':
      return [...truth.techniques];
    case 'attack_alerts':
    case 'false_positives':
      return undefined;
  }
}

const LIST_FACTS: ReadonlySet<TruthFact> = new Set(['attack_hosts', 'attack_users', 'techniques']);

function keyOf(level: PlacedLevel, truth: ScenarioTruth | undefined, variables: Record<string, string>): LevelKey {
  switch (level.type) {
    case 'info':
      return { kind: 'none' };
    case 'access':
      return { kind: 'passkey', value: level.passkey };
    case 'choice':
      return { kind: 'choice', options: level.options, correct: level.correct };
    case 'task':
      return {
        kind: 'task',
        check: level.check,
        ...(level.playbook === undefined ? {} : { playbook: level.playbook }),
        ...(level.check === 'sigma-rule' ? { techniques: level.techniques, recall: level.recall } : {}),
      };
    case 'question': {
      if (level.answers.length > 0) return { kind: 'values', answerKind: level.answer_kind, values: level.answers };
      if (level.answer_from !== undefined) {
        const values = truthValues(truth, level.answer_from);
        if (!values || values.length === 0)
          return { kind: 'unresolved', reason: `the scenario's truth has no ${level.answer_from}` };
        return LIST_FACTS.has(level.answer_from)
          ? { kind: 'set', answerKind: level.answer_kind, values, tolerance: 1 }
          : { kind: 'values', answerKind: level.answer_kind, values };
      }
      const name = level.answer_variable ?? level.id;
      variables[name] ??= randomBytes(4).toString('hex');
      return { kind: 'values', answerKind: 'exact', values: [variables[name]] };
    }
    case 'find': {
      const host = { answerKind: 'host' } as const;
      switch (level.target) {
        case 'first-host': {
          const v = truthValues(truth, 'first_host');
          return v
            ? { kind: 'values', ...host, values: v }
            : { kind: 'unresolved', reason: 'no first host in the truth' };
        }
        case 'initial-technique': {
          const v = truthValues(truth, 'initial_technique');
          return v
            ? { kind: 'values', answerKind: 'technique', values: v }
            : { kind: 'unresolved', reason: 'no initial technique in the truth' };
        }
        case 'attack-hosts':
          return { kind: 'set', ...host, values: truth?.attack_hosts ?? [], tolerance: level.tolerance };
        case 'attack-users':
          return { kind: 'set', answerKind: 'user', values: truth?.attack_users ?? [], tolerance: level.tolerance };
        case 'attack-alerts':
          return { kind: 'alerts', target: 'attack', tolerance: level.tolerance };
        case 'false-positives':
          return { kind: 'alerts', target: 'benign', tolerance: level.tolerance };
      }
    }
  }
}

/** Resolves every level's key for one run. */
export function resolveKeys(ex: ReadyExercise, truth: ScenarioTruth | undefined): RunKeys {
  const variables: Record<string, string> = {};
  const keys: Record<string, LevelKey> = {};
  for (const l of ex.levels) keys[l.id] = keyOf(l, truth, variables);
  return { keys, variables };
}
