import { describe, expect, it } from 'vitest';
import { isAppError } from '@intersoc/core';
import { OTHER_TENANT, ROLES_T1, world } from '../internal/fixtures.js';

const { analyst, viewer } = ROLES_T1;

describe('CaseService: working tasks', () => {
  it('adds, assigns, reorders and logs tasks, and the timeline says what changed', () => {
    const w = world();
    const c = w.cases.create(analyst, { title: 'Phish', template: 'none' });
    const a = w.cases.addTask(analyst, c.id, { title: 'Pull the mail' });
    const b = w.cases.addTask(analyst, c.id, { title: 'Block the sender', assignee: 'carol' });
    expect(w.cases.tasks(viewer, c.id).map((t) => t.title)).toEqual(['Pull the mail', 'Block the sender']);

    expect(w.cases.updateTask(analyst, c.id, a.id, { assignee: 'bob' }).assignee).toBe('bob');
    expect(w.cases.updateTask(analyst, c.id, b.id, { assignee: null }).assignee).toBeUndefined();

    w.cases.reorderTasks(analyst, c.id, [b.id, a.id]);
    expect(w.cases.tasks(viewer, c.id).map((t) => t.title)).toEqual(['Block the sender', 'Pull the mail']);
    // A stale order (a task missing) is refused rather than half applied.
    expect(() => w.cases.reorderTasks(analyst, c.id, [a.id])).toThrow(/every task/);
    expect(() => w.cases.reorderTasks(analyst, c.id, [a.id, a.id])).toThrow(/every task/);
    expect(() => w.cases.reorderTasks(viewer, c.id, [a.id, b.id])).toThrow(/requires role/);

    w.cases.addTaskLog(analyst, c.id, a.id, 'Mail pulled from 14 mailboxes');
    expect(w.cases.taskLogs(viewer, c.id, a.id)).toMatchObject([
      { taskId: a.id, text: 'Mail pulled from 14 mailboxes', author: analyst.user },
    ]);
    expect(w.cases.taskLogs(viewer, c.id, b.id)).toEqual([]);
    expect(() => w.cases.addTaskLog(analyst, c.id, a.id, '  ')).toThrow(/empty/);
    expect(() => w.cases.addTaskLog(analyst, c.id, 'nope', 'x')).toThrow(/no task/);

    w.cases.updateTask(analyst, c.id, a.id, { status: 'done' });
    w.cases.update(analyst, c.id, { assignee: 'dave', severity: 'high', tlp: 'red', pap: 'green' });

    const titles = w.cases.timeline(viewer, c.id).map((e) => e.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Task added: Block the sender (assigned to carol)',
        'Task Pull the mail: assigned to bob',
        'Task Block the sender: unassigned',
        'Tasks reordered: Block the sender → Pull the mail',
        'Log on task Pull the mail',
        'Task Pull the mail: done',
        'Case updated: assigned to dave, severity high, TLP red, PAP green',
      ]),
    );
    const log = w.cases.timeline(viewer, c.id).find((e) => e.title === 'Log on task Pull the mail');
    expect(log).toMatchObject({ kind: 'task', detail: 'Mail pulled from 14 mailboxes', ref: a.id });
  });

  it('keeps task logs within the tenant', () => {
    const w = world();
    const c = w.cases.create(analyst, { title: 'Mine', template: 'none' });
    const t = w.cases.addTask(analyst, c.id, { title: 'Look' });
    try {
      w.cases.taskLogs(OTHER_TENANT, c.id, t.id);
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'NOT_FOUND')).toBe(true);
    }
  });
});

describe('CaseService: the case list filters', () => {
  it('finds cases by severity, TLP, assignee, status and text together', () => {
    const w = world();
    const a = w.cases.create(analyst, {
      title: 'Ransom note on FS-01',
      severity: 'critical',
      tlp: 'red',
      template: 'none',
    });
    w.cases.create(analyst, { title: 'Ransom test', severity: 'critical', tlp: 'green', template: 'none' });
    w.cases.create(analyst, { title: 'Phish', severity: 'low', tlp: 'red', template: 'none' });
    w.cases.update(analyst, a.id, { assignee: 'ana' });
    const titles = (q: Parameters<typeof w.cases.list>[1]): string[] =>
      w.cases.list(viewer, q).items.map((c) => c.title);
    expect(titles({ severities: ['critical'], tlps: ['red'] })).toEqual(['Ransom note on FS-01']);
    expect(titles({ severities: ['critical', 'low'], tlps: ['red'] }).sort()).toEqual([
      'Phish',
      'Ransom note on FS-01',
    ]);
    expect(titles({ tlps: ['green'], q: 'ransom' })).toEqual(['Ransom test']);
    expect(titles({ assignee: 'ana', statuses: ['new'], severities: ['critical'] })).toEqual(['Ransom note on FS-01']);
    expect(titles({ assignee: 'ana', tlps: ['green'] })).toEqual([]);
  });
});
