/**
 * @module
 * A case's timeline, built automatically and annotated by analysts: the alert lines of its
 * incidents (repeats collapsed), what happened to the case (status, tasks, observables, comments,
 * attachments, reports, from its history), and the analysts' notes pinned to the moment they are
 * about — all in one list ordered by the time each entry is about.
 */
import type { Incident } from '@intersoc/correlate';
import type { CaseHistoryEntry, CaseNote, CaseTimelineEntry, TimelineKind } from '../cases/types.js';

const KIND_OF: Readonly<Record<string, TimelineKind>> = {
  'case.create': 'status',
  'case.transition': 'status',
  'case.update': 'status',
  'case.incidents': 'incident',
  'task.add': 'task',
  'task.update': 'task',
  'task.template': 'task',
  'task.reorder': 'task',
  'task.log': 'task',
  'observable.add': 'observable',
  'observable.update': 'observable',
  'observable.remove': 'observable',
  'comment.add': 'comment',
  'attachment.add': 'attachment',
  'nis2.submitted': 'report',
  'nis2.warning': 'report',
};

const FIELD_NAMES: Readonly<Record<string, string>> = {
  severity: 'severity',
  tlp: 'TLP',
  pap: 'PAP',
  awareAt: 'aware at',
  timeZone: 'time zone',
  significant: 'NIS2 significant',
};

/** "Case assigned to bob; severity high, TLP red": the new values, so the timeline reads alone. */
function caseUpdateTitle(changes: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(changes)) {
    if (k === 'assignee') parts.push(v === null || v === '' ? 'unassigned' : `assigned to ${String(v)}`);
    else if (k === 'awareAt' && typeof v === 'number') parts.push(`aware at ${new Date(v).toISOString()}`);
    else if (k in FIELD_NAMES) parts.push(`${FIELD_NAMES[k] ?? k} ${String(v)}`);
    else parts.push(k);
  }
  return `Case updated: ${parts.join(', ')}`;
}

/** "Task Isolate host assigned to bob" or "Task Isolate host: done"; older entries have no `changed`. */
function taskUpdateTitle(title: string, status: string, assignee: string, changed: unknown): string {
  const what = Array.isArray(changed) ? (changed as string[]) : ['status'];
  const parts: string[] = [];
  if (what.includes('assignee')) parts.push(assignee ? `assigned to ${assignee}` : 'unassigned');
  if (what.includes('status')) parts.push(status);
  if (what.includes('title')) parts.push('renamed');
  return `Task ${title}: ${parts.join(', ') || status}`;
}

function historyTitle(h: CaseHistoryEntry): string {
  const d = h.detail;
  const s = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (h.action) {
    case 'case.create':
      return 'Case opened';
    case 'case.transition':
      return `Status ${s('from')} → ${s('to')}${s('resolution') ? ` (${s('resolution')})` : ''}`;
    case 'case.update':
      return caseUpdateTitle((d['changes'] as Record<string, unknown> | undefined) ?? {});
    case 'case.incidents':
      return `Incidents added: ${((d['incidents'] as string[] | undefined) ?? []).length}`;
    case 'task.add':
      return `Task added: ${s('title')}${s('assignee') ? ` (assigned to ${s('assignee')})` : ''}`;
    case 'task.update':
      return taskUpdateTitle(s('title'), s('status'), s('assignee'), d['changed']);
    case 'task.reorder':
      return `Tasks reordered: ${((d['order'] as string[] | undefined) ?? []).join(' → ')}`;
    case 'task.log':
      return `Log on task ${s('title')}`;
    case 'task.template':
      return `Tasks from template ${s('template')}`;
    case 'observable.add':
      return `Observable ${s('kind')} ${s('value')}`;
    case 'observable.update':
      return `Observable ${s('value')} updated`;
    case 'observable.remove':
      return `Observable ${s('value')} removed`;
    case 'comment.add':
      return 'Comment';
    case 'attachment.add':
      return `Attachment ${s('name')}`;
    case 'nis2.submitted':
      return `NIS2 ${s('kind')} submitted`;
    case 'nis2.warning':
      return `NIS2 ${s('kind')} due ${s('due')}`;
    default:
      return h.action;
  }
}

/** The merged timeline. */
export function caseTimeline(
  incidents: readonly Incident[],
  history: readonly CaseHistoryEntry[],
  notes: readonly CaseNote[],
): CaseTimelineEntry[] {
  const out: CaseTimelineEntry[] = [];
  for (const inc of incidents) {
    out.push({
      time: inc.firstSeen,
      kind: 'incident',
      title: `Incident: ${inc.title}`,
      ref: inc.id,
      severity: inc.severity,
    });
    for (const e of inc.timeline) {
      out.push({
        time: e.time,
        kind: 'alert',
        title: e.rule,
        detail: e.summary,
        ref: e.alertId,
        severity: e.severity,
        count: e.count,
      });
    }
  }
  for (const h of history) {
    const detail = typeof h.detail['text'] === 'string' ? (h.detail['text'] as string) : undefined;
    const ref = typeof h.detail['ref'] === 'string' ? (h.detail['ref'] as string) : undefined;
    out.push({
      time: h.time,
      kind: KIND_OF[h.action] ?? 'status',
      title: historyTitle(h),
      author: h.actor,
      ...(detail === undefined ? {} : { detail }),
      ...(ref === undefined ? {} : { ref }),
    });
  }
  for (const n of notes) {
    out.push({
      time: n.time,
      kind: 'note',
      title: n.text.split('\n')[0]?.slice(0, 200) ?? '',
      detail: n.text,
      author: n.author,
      noteId: n.id,
      ...(n.ref === undefined ? {} : { ref: n.ref }),
    });
  }
  return out.sort((a, b) => a.time - b.time);
}
