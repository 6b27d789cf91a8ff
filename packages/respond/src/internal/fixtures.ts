/**
 * @module
 * Playbooks written for the tests: deterministic ids and a small builder.
 */
import type { Playbook, WorkflowStep } from '../cacao/types.js';

/** A deterministic identifier of `type`, valid under the CACAO identifier pattern. */
export function fid(type: string, n: number): string {
  return `${type}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** The identity that authors our test playbooks. */
export const AUTHOR = fid('identity', 1);

/** A playbook around `workflow`, starting at `start`. */
export function playbookOf(
  n: number,
  start: string,
  workflow: Record<string, WorkflowStep>,
  more: Partial<Playbook> = {},
): Playbook {
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: fid('playbook', n),
    name: `test playbook ${n}`,
    created_by: AUTHOR,
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: start,
    workflow,
    agent_definitions: { [fid('individual', 1)]: { type: 'individual', name: 'duty analyst' } },
    ...more,
  };
}

/** start → manual action → end. */
export function minimalPlaybook(): Playbook {
  const start = fid('start', 1);
  const act = fid('action', 1);
  const end = fid('end', 1);
  return playbookOf(1, start, {
    [start]: { type: 'start', on_completion: act },
    [act]: {
      type: 'action',
      name: 'Look at the host',
      commands: [{ type: 'manual', command: 'Check the host' }],
      agent: fid('individual', 1),
      on_completion: end,
    },
    [end]: { type: 'end' },
  });
}

/** An x-test action step. */
export function xAction(
  command: string,
  next: string | undefined,
  more: Partial<WorkflowStep> = {},
  cmd: Record<string, unknown> = {},
): WorkflowStep {
  return {
    type: 'action',
    name: command,
    commands: [{ type: 'x-test', command, ...cmd }],
    agent: fid('individual', 1),
    ...(next ? { on_completion: next } : {}),
    ...more,
  };
}

/** The child playbook of `everyStepPlaybook` (playbook 3). */
export function childPlaybook(): Playbook {
  const [start, act, end] = [fid('start', 30), fid('action', 30), fid('end', 30)];
  return playbookOf(
    3,
    start,
    {
      [start]: { type: 'start', on_completion: act },
      [act]: xAction('child __who__:value', end, { out_args: ['__who__'] }),
      [end]: { type: 'end' },
    },
    { playbook_variables: { __who__: { type: 'string', value: 'nobody' } } },
  );
}

/**
 * Every step type: start → parallel (an action; an if-condition with both branches) → switch →
 * while (three iterations) → playbook-action (the child playbook) → end.
 */
export function everyStepPlaybook(mode = 'full'): Playbook {
  const id = (t: string, n: number) => fid(t, n);
  const [start, par, a1, e1, ifc, a2, e2, e3] = [
    id('start', 1),
    id('parallel', 1),
    id('action', 1),
    id('end', 1),
    id('if-condition', 1),
    id('action', 2),
    id('end', 2),
    id('end', 3),
  ];
  const [sw, a3, e4, e5, wh, a4, e6, pa, end] = [
    id('switch-condition', 1),
    id('action', 3),
    id('end', 4),
    id('end', 5),
    id('while-condition', 1),
    id('action', 4),
    id('end', 6),
    id('playbook-action', 1),
    id('end', 9),
  ];
  return playbookOf(
    2,
    start,
    {
      [start]: { type: 'start', on_completion: par },
      [par]: { type: 'parallel', next_steps: [a1, ifc], on_completion: sw },
      [a1]: xAction('a1', e1),
      [e1]: { type: 'end' },
      [ifc]: { type: 'if-condition', condition: "[variable:__mode__ = 'full']", on_true: a2, on_false: e3 },
      [a2]: xAction('a2 __mode__:value', e2),
      [e2]: { type: 'end' },
      [e3]: { type: 'end' },
      [sw]: { type: 'switch-condition', switch: '__mode__:value', cases: { full: a3, default: e5 }, on_completion: wh },
      [a3]: xAction('a3', e4),
      [e4]: { type: 'end' },
      [e5]: { type: 'end' },
      [wh]: { type: 'while-condition', condition: '[variable:__i__ < 3]', on_true: a4, on_completion: pa },
      [a4]: xAction('tick', e6, { out_args: ['__i__'] }, { idempotent: true }),
      [e6]: { type: 'end' },
      [pa]: {
        type: 'playbook-action',
        playbook_id: fid('playbook', 3),
        in_args: ['__who__'],
        out_args: ['__who__'],
        on_completion: end,
      },
      [end]: { type: 'end' },
    },
    {
      playbook_variables: {
        __mode__: { type: 'string', value: mode, external: true },
        __i__: { type: 'integer', value: '0' },
        __who__: { type: 'string', value: 'parent' },
      },
    },
  );
}
