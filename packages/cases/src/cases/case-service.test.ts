import { describe, expect, it } from 'vitest';
import { isAppError, systemContext } from '@intersoc/core';
import { alert, OTHER_TENANT, ROLES_T1, T0, world } from '../internal/fixtures.js';

const MIN = 60_000;
const { admin, analyst, viewer, partner } = ROLES_T1;

function story(w: ReturnType<typeof world>): string[] {
  return w.ingest([
    alert({
      time: T0,
      rule: 'spray',
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1110.003'],
      entities: ['host=WKS-1', 'user=bob', 'ip/destination=198.51.100.4'],
    }),
    alert({
      time: T0 + MIN,
      rule: 'dump',
      severity: 'critical',
      tactics: ['credential-access'],
      techniques: ['T1003.001'],
      entities: ['host=WKS-1', 'user=bob'],
    }),
    alert({
      time: T0 + 2 * MIN,
      rule: 'onedrive',
      severity: 'high',
      tactics: ['persistence'],
      techniques: ['T1547.001'],
      entities: ['host=WKS-7', 'user=carl', 'process=C:\\Users\\carl\\AppData\\Local\\OneDrive\\OneDrive.exe'],
    }),
  ]);
}

describe('CaseService: opening and working a case', () => {
  it('opens a case from incidents with severity, classification, observables and tasks', () => {
    const w = world();
    const [inc] = story(w);
    const c = w.cases.create(analyst, { incidents: [inc ?? ''] });
    expect(c.number).toBe(1);
    expect(c.severity).toBe(w.incidents.get(analyst, inc ?? '')?.severity);
    expect(c.rsit).toEqual({ class: 'intrusions', type: 'privileged-account-compromise' });
    expect([...c.rules].sort()).toEqual(['dump', 'spray']);
    expect(c.occurredAt).toBe(T0);
    const obs = w.cases.observables(analyst, c.id);
    expect(obs.map((o) => `${o.kind}:${o.value}:${o.ioc}`).sort()).toEqual([
      'host:wks-1:false',
      'ip:198.51.100.4:true',
      'user:bob:false',
    ]);
    const tasks = w.cases.tasks(analyst, c.id);
    expect(tasks.length).toBeGreaterThan(4);
    expect(tasks.some((t) => /privileged credentials/.test(t.title))).toBe(true);
    expect(w.incidents.get(analyst, inc ?? '')).toMatchObject({ status: 'case', caseId: c.id });
    // An incident already in an open case cannot be taken into another.
    expect(() => w.cases.create(analyst, { incidents: [inc ?? ''] })).toThrow(/is in case #1/);
  });

  it('stamps acknowledge, contain, resolve and close, and keeps incidents in step', () => {
    const w = world();
    const [inc] = story(w);
    const c = w.cases.create(analyst, { incidents: [inc ?? ''] });
    w.clock.now += 10 * MIN;
    const a = w.cases.transition(analyst, c.id, { status: 'in-progress' });
    expect(a.acknowledgedAt).toBe(w.clock.now);
    w.clock.now += 20 * MIN;
    expect(w.cases.transition(analyst, c.id, { status: 'contained' }).containedAt).toBe(w.clock.now);
    w.clock.now += 30 * MIN;
    const r = w.cases.transition(analyst, c.id, { status: 'resolved', resolution: 'true-positive' });
    expect(r.resolvedAt).toBe(w.clock.now);
    const closed = w.cases.transition(analyst, c.id, { status: 'closed' });
    expect(closed.resolution).toBe('true-positive');
    expect(w.incidents.get(analyst, inc ?? '')?.status).toBe('closed');
    const reopened = w.cases.transition(analyst, c.id, { status: 'in-progress', reason: 'new activity' });
    expect(reopened.resolution).toBeUndefined();
    expect(reopened.closedAt).toBeUndefined();
    expect(w.incidents.get(analyst, inc ?? '')?.status).toBe('case');
    expect(() => w.cases.transition(analyst, c.id, { status: 'new' })).toThrow(/cannot go from in-progress to new/);
    const actions = w.cases.historyOf(viewer, c.id).map((h) => h.action);
    expect(actions.filter((x) => x === 'case.transition')).toHaveLength(5);
  });

  it('feeds a false positive back: counts per rule and a suppression suggestion that works once accepted', () => {
    const w = world();
    const [, fp] = story(w);
    const c = w.cases.create(analyst, { incidents: [fp ?? ''] });
    w.cases.transition(analyst, c.id, { status: 'closed', resolution: 'false-positive' });
    expect(w.feedback.rules(viewer)).toMatchObject([{ ruleId: 'onedrive', falsePositives: 1, truePositives: 0 }]);
    const [s] = w.feedback.suggestions(viewer, 'suggested');
    expect(s).toMatchObject({ ruleId: 'onedrive', action: 'suppress', field: 'process' });
    expect(s?.value).toMatch(/OneDrive\.exe$/);
    const probe = alert({
      time: T0,
      rule: 'onedrive',
      entities: ['host=WKS-9', 'process=C:\\Users\\carl\\AppData\\Local\\OneDrive\\OneDrive.exe'],
    });
    expect(w.feedback.suppresses('t1', probe)).toBe(false);
    expect(() => w.feedback.decide(analyst, s?.id ?? '', true)).toThrow(/requires role admin/);
    w.feedback.decide(admin, s?.id ?? '', true);
    expect(w.feedback.suppresses('t1', probe)).toBe(true);
    expect(w.feedback.suppresses('t2', probe)).toBe(false);
  });

  it('suggests lowering, then disabling, a rule that is only ever wrong', () => {
    const w = world();
    for (let i = 0; i < 5; i++) {
      const [id] = w.ingest([
        alert({
          time: T0 + i * 5 * 3_600_000,
          rule: 'noisy',
          severity: 'medium',
          entities: [`host=H${i}`, `user=u${i}`],
        }),
      ]);
      const c = w.cases.create(analyst, { incidents: [id ?? ''], template: 'none' });
      w.cases.transition(analyst, c.id, { status: 'closed', resolution: 'false-positive' });
    }
    const actions = w.feedback.suggestions(viewer).map((s) => s.action);
    expect(actions).toContain('lower-level');
    expect(actions).toContain('disable');
  });

  it('keeps comments, hashed and size-limited attachments, notes and one timeline', () => {
    const w = world({ maxAttachmentBytes: 16 });
    const [inc] = story(w);
    const c = w.cases.create(analyst, { incidents: [inc ?? ''], template: 'none' });
    w.cases.addComment(analyst, c.id, 'Looks like **mimikatz**');
    const att = w.cases.addAttachment(analyst, c.id, { name: '../../etc/evil\u0007.txt', data: Buffer.from('abc') });
    expect(att.name).toBe('evil_.txt');
    expect(att.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(w.cases.attachment(viewer, c.id, att.id).data.toString()).toBe('abc');
    try {
      w.cases.addAttachment(analyst, c.id, { name: 'big', data: Buffer.alloc(17) });
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err, 'PAYLOAD_TOO_LARGE')).toBe(true);
    }
    w.cases.annotate(analyst, c.id, { time: T0 + 30_000, text: 'Attacker logged in here', ref: 'a1' });
    const tl = w.cases.timeline(viewer, c.id);
    const kinds = tl.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['incident', 'alert', 'note', 'comment', 'attachment', 'status']));
    // Ordered by the moment each entry is about: the note sits between the first two alerts.
    const note = tl.findIndex((e) => e.kind === 'note');
    expect(tl[note - 1]?.time).toBeLessThanOrEqual(T0 + 30_000);
    expect(tl[note + 1]?.time).toBeGreaterThanOrEqual(T0 + 30_000);
  });

  it('opens cases by hand and adds incidents later', () => {
    const w = world();
    const [a, b] = story(w);
    const c = w.cases.create(analyst, { title: 'Suspicious activity', template: 'none' });
    expect(c.incidents).toEqual([]);
    const after = w.cases.addIncidents(analyst, c.id, [a ?? '', b ?? '']);
    expect(after.incidents).toHaveLength(2);
    expect(after.severity).toBe(w.incidents.get(analyst, a ?? '')?.severity);
    expect(after.occurredAt).toBe(T0);
    expect(() => w.cases.create(analyst, {})).toThrow(/needs a title or incidents/);
  });
});

describe('CaseService: roles and tenants', () => {
  it('lets viewers read, analysts work, admins configure, and keeps tenants apart', () => {
    const w = world();
    const [inc] = story(w);
    expect(() => w.cases.create(viewer, { incidents: [inc ?? ''] })).toThrow(/requires role/);
    expect(() => w.cases.create(partner, { title: 'x' })).toThrow(/requires role/);
    const c = w.cases.create(admin, { incidents: [inc ?? ''] });
    expect(w.cases.require(viewer, c.id).id).toBe(c.id);
    expect(() => w.cases.require(partner, c.id)).toThrow(/requires role/);
    expect(() => w.cases.transition(viewer, c.id, { status: 'in-progress' })).toThrow(/requires role/);
    expect(() => w.cases.addComment(viewer, c.id, 'hi')).toThrow(/requires role/);
    expect(() => w.cases.putTemplate(analyst, { key: 'x', name: 'x', tasks: [{ title: 't', group: 'g' }] })).toThrow(
      /requires role admin/,
    );
    w.cases.putTemplate(admin, {
      key: 'intrusions',
      name: 'Ours',
      tasks: [{ title: 'Call the CISO', group: 'triage' }],
    });
    expect(w.cases.templates(viewer).find((t) => t.key === 'intrusions')?.tasks).toHaveLength(1);
    // Another tenant sees nothing and cannot touch it.
    expect(() => w.cases.require(OTHER_TENANT, c.id)).toThrow(/no case/);
    expect(w.cases.list(OTHER_TENANT).items).toHaveLength(0);
    expect(() => w.cases.create(OTHER_TENANT, { incidents: [inc ?? ''] })).toThrow(/no incident/);
    expect(w.cases.list(systemContext('t1')).items).toHaveLength(1);
  });
});
