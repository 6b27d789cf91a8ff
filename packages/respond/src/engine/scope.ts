/**
 * @module
 * Variable scopes (CACAO 10.18.1): playbook variables are global; a step's `step_variables` are
 * visible in that step only; a step returns values through its `out_args`, which the run keeps
 * as playbook-wide values from then on (the authored corpus playbook sets `__approved__` in a
 * manual step and tests it in the next if-condition). A value is the run's, else the step's
 * default, else the playbook's default.
 */
import type { TypedValue } from '../conditions/condition.js';
import type { Playbook, WorkflowStep } from '../cacao/types.js';
import { substitute } from '../variables/references.js';

/** The variables a step sees. */
export interface StepScope {
  value(name: string): string | undefined;
  /** Names and typed values, for conditions. */
  typed(): Map<string, TypedValue>;
  /** `__name__:value` substitution in text. */
  substitute(text: string): string;
}

/** The scope of `step` in a run whose playbook-wide values are `vars`. */
export function stepScope(
  playbook: Playbook,
  step: WorkflowStep | undefined,
  vars: ReadonlyMap<string, string>,
): StepScope {
  const globals = playbook.playbook_variables ?? {};
  const locals = step?.step_variables ?? {};
  const value = (name: string): string | undefined => {
    const v = vars.get(name);
    if (v !== undefined) return v;
    const local = locals[name]?.value;
    if (typeof local === 'string') return local;
    const global = globals[name]?.value;
    return typeof global === 'string' ? global : undefined;
  };
  return {
    value,
    typed: () => {
      const out = new Map<string, TypedValue>();
      for (const name of new Set([...Object.keys(globals), ...Object.keys(locals), ...vars.keys()])) {
        out.set(name, { type: locals[name]?.type ?? globals[name]?.type ?? 'string', value: value(name) });
      }
      return out;
    },
    substitute: (text) => substitute(text, value),
  };
}

/** Initial playbook-wide values: defaults, overridden by `inputs` (external variables). */
export function initialVars(playbook: Playbook, inputs: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(playbook.playbook_variables ?? {})) {
    if (typeof v.value === 'string') out[name] = v.value;
  }
  return { ...out, ...inputs };
}
