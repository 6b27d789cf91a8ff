/**
 * @module
 * A level's answer as the run's instructor reads it: what each level of this run accepts, in the
 * trainee's names (a variant answer is the value drawn for this run). This is the answer key, so
 * it is shown to instructors only and never to the trainee.
 */
import type { LevelKey } from '../answers/check.js';
import type { PlacedLevel } from '../exercise/levels.js';
import type { RangeAlert } from './range.js';

/** One level's answer for one run. */
export interface LevelAnswer {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  /** Accepted answers (any one for single answers; the whole set for set answers). */
  readonly accepts: readonly string[];
  /** `one` (any of `accepts`), `set` (the set, within `tolerance`), `action` (checked in the tool), `none`. */
  readonly mode: 'one' | 'set' | 'action' | 'none';
  readonly tolerance?: number;
  /** How the level is decided, in words (tasks, unresolved keys). */
  readonly check?: string;
}

/** The instructor's view of `key`; `alerts` are the training tenant's alerts now (for alert marks). */
export function keyAnswer(level: PlacedLevel, key: LevelKey, alerts: readonly RangeAlert[] | undefined): LevelAnswer {
  const base = { id: level.id, title: level.title, type: level.type };
  switch (key.kind) {
    case 'none':
      return { ...base, accepts: [], mode: 'none' };
    case 'passkey':
      return { ...base, accepts: [key.value], mode: 'one' };
    case 'values':
      return { ...base, accepts: [...key.values], mode: 'one' };
    case 'set':
      return { ...base, accepts: [...key.values], mode: 'set', tolerance: key.tolerance };
    case 'choice':
      return {
        ...base,
        accepts: key.correct.map((i) => `${i + 1}. ${key.options[i] ?? ''}`),
        mode: 'set',
        tolerance: 1,
      };
    case 'alerts': {
      const want = (alerts ?? []).filter((a) => a.attack === (key.target === 'attack')).map((a) => a.id);
      return {
        ...base,
        accepts: want,
        mode: 'set',
        tolerance: key.tolerance,
        check: alerts
          ? `the ${key.target === 'attack' ? 'attack' : 'false-positive'} alerts of the training tenant now (${want.length})`
          : 'this node has no training range to read alerts from',
      };
    }
    case 'task': {
      const check =
        key.check === 'case-from-incident'
          ? "a case opened in the run whose incidents hold the attack's alerts (no more false positives than attack alerts)"
          : key.check === 'playbook-run'
            ? `a run of playbook ${key.playbook ?? '?'} in the training tenant that did not fail`
            : `a Sigma rule matching ${Math.round((key.recall ?? 1) * 100)}% of the attack events${
                key.techniques && key.techniques.length > 0 ? ` of ${key.techniques.join(', ')}` : ''
              } and no benign event`;
      return { ...base, accepts: [], mode: 'action', check };
    }
    case 'unresolved':
      return { ...base, accepts: [], mode: 'none', check: key.reason };
  }
}
