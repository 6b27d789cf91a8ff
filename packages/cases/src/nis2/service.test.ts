import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStixSchemas, validateStix, INCIDENT_CORE_EXTENSION_ID } from '@intersoc/cti';
import { alert, ROLES_T1, T0, world } from '../internal/fixtures.js';
import { Nis2Service } from './service.js';

const H = 3_600_000;
const { analyst, viewer } = ROLES_T1;
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const schemaDir = path.join(corpora, 'cti', 'stix2-json-schemas', 'schemas');

function significantCase() {
  const w = world();
  const [inc] = w.ingest([
    alert({
      time: T0,
      rule: 'exfil',
      severity: 'critical',
      tactics: ['exfiltration'],
      techniques: ['T1048'],
      entities: ['host=FS-01', 'user=administrator', 'ip/destination=203.0.113.50', 'domain=files-share.example.org'],
    }),
    alert({
      time: T0 + 60_000,
      rule: 'dump',
      severity: 'high',
      tactics: ['credential-access'],
      techniques: ['T1003.001'],
      entities: ['host=FS-01', 'user=administrator'],
    }),
  ]);
  const c = w.cases.create(analyst, { incidents: [inc ?? ''], tags: ['sector:energy'] });
  const nis2 = new Nis2Service(
    w.cases,
    (t) => ({ name: `Operator ${t}`, country: 'DE' }),
    () => w.clock.now,
  );
  return { w, c, nis2 };
}

describe('Nis2Service', () => {
  it('has no deadlines until the case is marked significant, then three from awareness', () => {
    const { w, c, nis2 } = significantCase();
    expect(nis2.deadlines(viewer, c.id)).toEqual([]);
    expect(() => nis2.draft(viewer, c.id, 'early-warning')).toThrow(/not marked significant/);
    const aware = T0 + 2 * H;
    w.cases.update(analyst, c.id, { significant: true, awareAt: aware, timeZone: 'Europe/Brussels' });
    const d = nis2.deadlines(viewer, c.id);
    expect(d.map((x) => x.due - aware)).toEqual([24 * H, 72 * H, expect.any(Number)]);
    expect(d[2]?.dueLocal).toBe('2025-04-07T12:00:00+02:00');
  });

  it('warns once when a deadline comes close and again when it passes', () => {
    const { w, c, nis2 } = significantCase();
    w.cases.update(analyst, c.id, { significant: true, awareAt: w.clock.now });
    expect(nis2.warn(analyst)).toHaveLength(0);
    w.clock.now += 20 * H;
    expect(nis2.warn(analyst).map((x) => `${x.deadline.kind}:${x.deadline.state}`)).toEqual(['early-warning:due-soon']);
    expect(nis2.warn(analyst)).toHaveLength(0);
    w.clock.now += 5 * H;
    expect(nis2.warn(analyst).map((x) => `${x.deadline.kind}:${x.deadline.state}`)).toEqual(['early-warning:overdue']);
    nis2.submit(analyst, c.id, 'early-warning');
    expect(nis2.deadlines(viewer, c.id)[0]?.state).toBe('late');
    expect(w.cases.timeline(viewer, c.id).some((e) => e.kind === 'report' && /submitted/.test(e.title))).toBe(true);
  });

  it('drafts the three reports from the case', () => {
    const { w, c, nis2 } = significantCase();
    w.cases.update(analyst, c.id, { significant: true });
    const early = nis2.draft(viewer, c.id, 'early-warning');
    expect(early).toMatchObject({ kind: 'early-warning', suspectedMalicious: true, crossBorderImpact: 'unknown' });
    expect(early.classification.tags).toEqual(
      expect.arrayContaining(['nis2:nature-root-cause="malicious-actions"', 'nis2:impact-sectors-impacted="energy"']),
    );
    expect(early.initialAssessment).toBeUndefined();
    const note = nis2.draft(viewer, c.id, 'notification');
    expect(note.initialAssessment?.indicators).toEqual(
      expect.arrayContaining([
        { kind: 'ip', value: '203.0.113.50' },
        { kind: 'domain', value: 'files-share.example.org' },
      ]),
    );
    const task = w.cases.tasks(analyst, c.id)[0];
    w.cases.updateTask(analyst, c.id, task?.id ?? '', { status: 'done' });
    const final = nis2.draft(viewer, c.id, 'final');
    expect(final.final?.mitigation.applied).toEqual([task?.title]);
    expect(final.final?.techniques).toEqual(['T1003.001', 'T1048']);
    expect(final.final?.threatType).toBe('information-content-security/data-leak');
  });

  it('exports a valid STIX 2.1 bundle with the incident core extension, the same ids every time', () => {
    const { w, c, nis2 } = significantCase();
    w.cases.update(analyst, c.id, { significant: true });
    const bundle = nis2.stix(viewer, c.id, 'notification');
    const again = nis2.stix(viewer, c.id, 'notification');
    const objects = bundle['objects'] as Record<string, unknown>[];
    const incident = objects.find((o) => o['type'] === 'incident');
    expect(incident?.['id']).toBe(
      (again['objects'] as Record<string, unknown>[]).find((o) => o['type'] === 'incident')?.['id'],
    );
    const ext = (incident?.['extensions'] as Record<string, Record<string, unknown>>)[INCIDENT_CORE_EXTENSION_ID];
    expect(ext).toMatchObject({
      determination: 'suspected',
      investigation_status: 'new',
      impacted_entity_counts: { computer: 1, 'user-account': 1 },
    });
    expect(objects.map((o) => o['type'])).toEqual(
      expect.arrayContaining([
        'extension-definition',
        'marking-definition',
        'identity',
        'incident',
        'ipv4-addr',
        'domain-name',
        'note',
      ]),
    );
    const v = validateStix(bundle, existsSync(schemaDir) ? { schemas: loadStixSchemas(schemaDir) } : {});
    expect(v.errors).toEqual([]);
  });
});
