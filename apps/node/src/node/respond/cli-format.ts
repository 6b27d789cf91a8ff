/**
 * @module
 * Plain-text views of playbooks and runs for the `intersoc playbook` commands.
 */
import { isoTime } from '@intersoc/core';
import {
  workflowEdges,
  type OpenWait,
  type PlaybookBrief,
  type RunSummary,
  type RunView,
  type StoredPlaybook,
} from '@intersoc/respond';

const STATUS_MARK: Readonly<Record<string, string>> = {
  pending: '·',
  running: '>',
  waiting: '?',
  retrying: '~',
  succeeded: '✓',
  failed: '✗',
};

/** One line per playbook. */
export function playbookLines(items: readonly PlaybookBrief[]): string[] {
  if (items.length === 0) return ['no playbooks'];
  return items.map(
    (p) =>
      `${p.id}  ${p.version}  ${p.name}${p.versions > 1 ? ` (${p.versions} versions)` : ''}${p.tlp ? `  TLP:${p.tlp.toUpperCase()}` : ''}${
        p.signedBy.length > 0 ? `  signed by ${p.signedBy.length} key(s)` : ''
      }${p.source !== 'local' ? `  from ${p.source}` : ''}`,
  );
}

/** A playbook with its workflow as edges. */
export function playbookText(s: StoredPlaybook): string[] {
  const p = s.playbook;
  const out = [
    `${p.name} (${p.id})`,
    `  version ${s.version}, digest ${s.digest.slice(0, 16)}…, source ${s.source}${s.tlp ? `, TLP:${s.tlp.toUpperCase()}` : ''}`,
    ...(p.description ? [`  ${p.description}`] : []),
    `  starts at ${p.workflow_start}`,
    '  workflow:',
  ];
  const edges = workflowEdges(p.workflow);
  for (const [id, step] of Object.entries(p.workflow)) {
    const out1 = edges.filter((e) => e.from === id).map((e) => `${e.via} → ${e.to}`);
    out.push(
      `    ${step.type.padEnd(16)} ${id}${step.name ? ` "${step.name}"` : ''}${out1.length > 0 ? `\n      ${out1.join('\n      ')}` : ''}`,
    );
  }
  return out;
}

/** One line per run. */
export function runLines(items: readonly RunSummary[]): string[] {
  if (items.length === 0) return ['no runs'];
  return items.map(
    (r) =>
      `${r.id}  ${r.status.padEnd(9)} ${isoTime(r.created)}  ${r.playbookName}${r.dryRun ? ' (dry run)' : ''}  by ${r.requestedBy}${
        r.trigger.kind !== 'manual' ? `  [${r.trigger.kind} ${r.trigger.ref ?? ''}]` : ''
      }${r.reason ? `\n    ${r.reason}` : ''}`,
  );
}

/** A run with its steps, waits and actions. */
export function runText(v: RunView): string[] {
  const r = v.run;
  const out = [
    `run ${r.id}: ${r.status}${r.dryRun ? ' (dry run)' : ''} — ${r.playbookName} ${r.playbookVersion}`,
    `  requested by ${r.requestedBy} at ${isoTime(r.created)} (${r.trigger.kind}${r.trigger.ref ? ` ${r.trigger.ref}` : ''})`,
    ...(r.reason ? [`  ${r.reason}`] : []),
    '  steps:',
  ];
  for (const s of v.steps) {
    const mark = STATUS_MARK[s.status] ?? ' ';
    const extra = [
      s.attempts > 1 ? `${s.attempts} attempts` : '',
      s.runs > 1 ? `${s.runs} times` : '',
      s.error ?? '',
      s.output && 'commands' in s.output ? JSON.stringify(s.output['commands']).slice(0, 160) : '',
    ].filter((x) => x !== '');
    out.push(
      `    ${mark} ${s.status.padEnd(9)} ${s.type.padEnd(16)} ${s.name ?? s.step}${extra.length > 0 ? `  — ${extra.join('; ')}` : ''}`,
    );
  }
  if (v.waits.length > 0) out.push('  waiting:', ...v.waits.map((w) => `    ${waitLine(w)}`));
  if (v.actions.length > 0) {
    out.push(
      '  actions:',
      ...v.actions.map(
        (a) =>
          `    #${a.seq} ${a.state.padEnd(13)} ${a.summary}${a.expires ? ` (reverts at ${isoTime(a.expires)})` : ''}${a.error ? ` — ${a.error}` : ''}`,
      ),
    );
  }
  if (v.children.length > 0) out.push(`  child runs: ${v.children.join(', ')}`);
  return out;
}

/** One inbox line. */
export function waitLine(w: OpenWait): string {
  const votes = w.approvals.length > 0 ? ` — ${w.approvals.map((a) => `${a.decision} by ${a.by}`).join(', ')}` : '';
  const until = w.wait.expires ? `, expires ${isoTime(w.wait.expires)}` : '';
  const task = w.wait.task ? `\n      task: ${w.wait.task}` : '';
  return `${w.run} ${w.step} (${w.stepName ?? ''}) — ${w.wait.kind}: ${w.wait.reason}${until}${votes}${task}`;
}
