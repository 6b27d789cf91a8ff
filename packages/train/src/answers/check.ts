/**
 * @module
 * Checking an answer against a level's key. Keys are resolved once per run (truth facts taken
 * from the scenario and renamed for the trainee), so each trainee is checked against their own
 * names. Hands-on tasks and alert marks are checked in `service/range.ts`, against the training
 * tenant.
 */
import type { AnswerKind, TaskCheck } from '../exercise/schema.js';
import { normalise, splitList } from './normalise.js';

/** What a level's answer is checked against, for one run. */
export type LevelKey =
  | { readonly kind: 'none' }
  | { readonly kind: 'passkey'; readonly value: string }
  | { readonly kind: 'values'; readonly answerKind: AnswerKind; readonly values: readonly string[] }
  | {
      readonly kind: 'set';
      readonly answerKind: AnswerKind;
      readonly values: readonly string[];
      readonly tolerance: number;
    }
  | { readonly kind: 'choice'; readonly options: readonly string[]; readonly correct: readonly number[] }
  | {
      readonly kind: 'task';
      readonly check: TaskCheck;
      readonly playbook?: string;
      readonly techniques?: readonly string[];
      readonly recall?: number;
    }
  /** Alerts of the training tenant to mark (decided against their labels when answered). */
  | { readonly kind: 'alerts'; readonly target: 'attack' | 'benign'; readonly tolerance: number }
  /** A key this node cannot resolve yet (the reason is shown). */
  | { readonly kind: 'unresolved'; readonly reason: string };

/** The verdict on one answer. */
export interface Verdict {
  readonly correct: boolean;
  /** For set answers: how the answer compares with the truth. */
  readonly precision?: number;
  readonly recall?: number;
  /** Why, in a line the trainee may see (never the answer itself). */
  readonly note?: string;
}

/** The chosen options of a choice answer (`B`, `2`, `1,3`, `a c` or an option's text), 0-based. */
export function chosenOptions(options: readonly string[], answer: string): number[] | undefined {
  const whole = options.findIndex((o) => o.trim().toLowerCase() === answer.trim().toLowerCase());
  if (whole >= 0) return [whole];
  const out = new Set<number>();
  for (const part of splitList(answer)) {
    let i: number;
    if (/^\d{1,2}$/.test(part)) i = Number(part) - 1;
    else if (/^[a-z]$/i.test(part)) i = part.toLowerCase().charCodeAt(0) - 97;
    else return undefined;
    if (i < 0 || i >= options.length) return undefined;
    out.add(i);
  }
  return out.size > 0 ? [...out].sort((a, b) => a - b) : undefined;
}

/** Precision and recall of `got` against `want`. */
function compare(got: ReadonlySet<string>, want: ReadonlySet<string>): { precision: number; recall: number } {
  let hit = 0;
  for (const g of got) if (want.has(g)) hit++;
  return { precision: got.size === 0 ? 0 : hit / got.size, recall: want.size === 0 ? 1 : hit / want.size };
}

/** Checks `answer` against `key`. Task keys are never decided here. */
export function checkAnswer(key: LevelKey, answer: string): Verdict {
  switch (key.kind) {
    case 'none':
      return { correct: true };
    case 'passkey':
      return { correct: answer.trim() === key.value.trim() };
    case 'values': {
      const got = normalise(key.answerKind, answer);
      return { correct: got.length > 0 && key.values.some((v) => normalise(key.answerKind, v) === got) };
    }
    case 'set': {
      const got = new Set(splitList(answer).map((x) => normalise(key.answerKind, x)));
      const want = new Set(key.values.map((x) => normalise(key.answerKind, x)));
      const { precision, recall } = compare(got, want);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return {
        correct: want.size > 0 && f1 >= key.tolerance,
        precision,
        recall,
        note: `${got.size} marked; precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}`,
      };
    }
    case 'choice': {
      const chosen = chosenOptions(key.options, answer);
      if (!chosen) return { correct: false, note: 'name options by number (1, 2, ...), letter or text' };
      const want = [...key.correct].sort((a, b) => a - b);
      return { correct: chosen.length === want.length && chosen.every((c, i) => c === want[i]) };
    }
    case 'task':
      return { correct: false, note: 'checked against your actions in the tool' };
    case 'alerts':
      return { correct: false, note: "checked against the training tenant's alerts" };
    case 'unresolved':
      return { correct: false, note: key.reason };
  }
}
