/**
 * @module
 * The store suites of this package, the same tests on every implementation of a store interface:
 * `reportStoreSuite` (`ReportStore`: `store/sqlite-reports.test.ts` on SQLite,
 * `store/pg-reports.test.ts` on PostgreSQL) and `incidentLabelsSuite` (`IncidentLabelStore`:
 * `categorise/labels.test.ts`, `categorise/pg-labels.test.ts`). Each `open` gets a clock the test
 * moves and returns the store plus a second one on the same database (another process, another
 * connection).
 */
import { describe, expect, it } from 'vitest';
import { systemContext, type AuthContext } from '@intersoc/core';
import type { IncidentLabelStore } from '../categorise/labels.js';
import type { ReportStore } from '../store/types.js';
import { codeOf, testIncident, testItem, testReport } from './fixtures.js';

/** What a report store suite test opens. */
export interface ReportStoreHandle {
  readonly store: ReportStore;
  readonly other: ReportStore;
  close(): Promise<void>;
}

/** What an incident label suite test opens. */
export interface IncidentLabelsHandle {
  readonly labels: IncidentLabelStore;
  readonly other: IncidentLabelStore;
  close(): Promise<void>;
}

const acme: AuthContext = { tenant: 'acme', user: 'ann', roles: ['analyst'], via: 'token' };
const globex = systemContext('globex');
const ann = acme;
const bob: AuthContext = { tenant: 'acme', user: 'bob', roles: ['admin'], via: 'token' };
const gus: AuthContext = { tenant: 'globex', user: 'gus', roles: ['analyst'], via: 'token' };
const viewer: AuthContext = { tenant: 'acme', user: 'vera', roles: ['viewer'], via: 'token' };

/** The `ReportStore` suite. */
export function reportStoreSuite(name: string, open: (now: () => number) => Promise<ReportStoreHandle>): void {
  describe(`report store (${name})`, () => {
    it('stores a file once per tenant, and the other process gets the same report', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const r = testReport('ab', { title: 'APT report' });
        const first = h.store.put(acme, r);
        expect(first.created).toBe(true);
        expect(first.summary).toEqual({
          id: `r-${'ab'.repeat(8)}`,
          sha256: r.sha256,
          name: 'ab.txt',
          title: 'APT report',
          format: 'text',
          tlp: 'amber',
          status: 'analysed',
          bytes: 1234,
          pages: 1,
          items: 2,
          reviewed: 0,
          model: 'shipped-1',
          added: 1000,
          addedBy: 'ann',
          updated: 1000,
        });
        t = 2000;
        const again = h.other.put(acme, { ...r, name: 'copy.txt' });
        expect(again).toEqual({ summary: first.summary, created: false });
        // Another tenant's copy of the same file is its own report.
        expect(h.other.put(globex, r).created).toBe(true);
        expect(h.store.list(acme)).toEqual([first.summary]);
        expect(h.store.list(globex).map((s) => [s.id, s.addedBy, s.title])).toEqual([
          [first.summary.id, 'system', 'APT report'],
        ]);
        expect(h.store.summary(globex, 'r-none')).toBeUndefined();
        expect(h.store.get(acme, 'r-none')).toBeUndefined();
      } finally {
        await h.close();
      }
    });

    it('lists newest first, then by id byte-wise, up to the limit', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        h.store.put(acme, testReport('cc'));
        h.store.put(acme, testReport('Aa'));
        h.store.put(acme, testReport('aa'));
        t = 3000;
        h.other.put(acme, testReport('bb'));
        t = 2000;
        h.store.put(acme, testReport('dd'));
        const ids = h.other.list(acme).map((s) => s.id.slice(2, 4));
        expect(ids).toEqual(['bb', 'dd', 'Aa', 'aa', 'cc']);
        expect(h.store.list(acme, 2).map((s) => s.id.slice(2, 4))).toEqual(['bb', 'dd']);
        expect(h.store.list(globex)).toEqual([]);
      } finally {
        await h.close();
      }
    });

    it('gives back the document and analysis, and replaces the analysis', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const r = testReport('0f', { items: 3 });
        const { summary } = h.store.put(acme, r);
        const got = h.other.get(acme, summary.id);
        expect(got?.document).toEqual(r.document);
        expect(got?.analysis).toEqual(r.analysis);
        expect(got?.itemsReviewed).toEqual(r.analysis.items);
        expect(h.other.get(globex, summary.id)).toBeUndefined();
        t = 5000;
        const more = {
          ...r.analysis,
          items: [...r.analysis.items, { ...testItem(9, 'T1105'), source: 'analyst' as const }],
        };
        h.other.setAnalysis(acme, summary.id, more);
        h.other.setAnalysis(globex, summary.id, { ...r.analysis, items: [] });
        const after = h.store.get(acme, summary.id);
        expect([after?.items, after?.updated, after?.analysis]).toEqual([4, 5000, more]);
      } finally {
        await h.close();
      }
    });

    it('updates an analysis from what is stored, in its tenant only, and writes nothing when the change throws', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const r = testReport('1e', { items: 2 });
        const { summary } = h.store.put(acme, r);
        t = 2000;
        // Each change starts from what the other store (process) wrote before it.
        const first = h.store.updateAnalysis(acme, summary.id, (cur) => ({
          ...cur.analysis,
          items: [...cur.analysis.items, testItem(cur.analysis.items.length, 'T1105')],
        }));
        t = 3000;
        const second = h.other.updateAnalysis(acme, summary.id, (cur) => ({
          ...cur.analysis,
          items: [...cur.analysis.items, testItem(cur.analysis.items.length, 'T1021')],
        }));
        expect(first?.items).toBe(3);
        expect([second?.items, second?.updated]).toEqual([4, 3000]);
        expect(second?.analysis.items.map((i) => [i.id, i.value])).toEqual([
          ['i0', 'T1059.001'],
          ['i1', 'T1059.002'],
          ['i2', 'T1105'],
          ['i3', 'T1021'],
        ]);
        expect(h.store.get(acme, summary.id)).toEqual(second);
        // Nothing to change, a change that throws, another tenant, no such report: nothing written.
        t = 4000;
        expect(h.store.updateAnalysis(acme, summary.id, () => undefined)).toEqual(second);
        expect(() =>
          h.store.updateAnalysis(acme, summary.id, (cur) => {
            h.store.setAnalysis(acme, summary.id, { ...cur.analysis, items: [] });
            throw new Error('refused');
          }),
        ).toThrow('refused');
        let called = false;
        const mark = (): undefined => {
          called = true;
          return undefined;
        };
        expect(h.store.updateAnalysis(globex, summary.id, mark)).toBeUndefined();
        expect(h.store.updateAnalysis(acme, 'r-none', mark)).toBeUndefined();
        expect(called).toBe(false);
        expect(h.other.get(acme, summary.id)).toEqual(second);
      } finally {
        await h.close();
      }
    });

    it('records reviews and labelled sentences, and keeps a published report published', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        const a = h.store.put(acme, testReport('a1')).summary;
        const b = h.store.put(acme, testReport('b2')).summary;
        t = 2000;
        h.store.review(
          acme,
          b.id,
          [
            { item: 'i1', decision: 'reject' },
            { item: 'i0', decision: 'correct', value: 'T1204.002' },
          ],
          [
            { sentence: 2, text: 'two', techniques: ['T1204.002'], rejected: ['T1059.001'] },
            { sentence: 10, text: 'ten', techniques: [], rejected: [] },
          ],
        );
        t = 3000;
        h.other.review(
          acme,
          a.id,
          [{ item: 'i0', decision: 'accept' }],
          [{ sentence: 1, text: 'one', techniques: ['T1059.001'], rejected: [] }],
        );
        // A second review of an item replaces the first; a label is replaced the same way.
        t = 4000;
        h.other.review(
          acme,
          b.id,
          [{ item: 'i1', decision: 'accept' }],
          [{ sentence: 2, text: 'two', techniques: ['T1059.002'], rejected: [] }],
        );
        expect(h.store.reviews(acme, b.id)).toEqual([
          { item: 'i0', decision: 'correct', value: 'T1204.002', by: 'ann', at: 2000 },
          { item: 'i1', decision: 'accept', by: 'ann', at: 4000 },
        ]);
        expect(h.store.reviews(globex, b.id)).toEqual([]);
        const got = h.store.get(acme, b.id);
        expect([got?.status, got?.reviewed, got?.updated]).toEqual(['reviewed', 2, 4000]);
        expect(got?.itemsReviewed.map((i) => i.review?.decision)).toEqual(['correct', 'accept']);
        expect(h.store.labels(acme).map((l) => [l.report, l.sentence, l.techniques, l.rejected, l.updated])).toEqual([
          [a.id, 1, ['T1059.001'], [], 3000],
          [b.id, 2, ['T1059.002'], [], 4000],
          [b.id, 10, [], [], 2000],
        ]);
        expect(h.store.labels(globex)).toEqual([]);

        t = 5000;
        h.store.published(acme, a.id);
        h.store.published(globex, b.id);
        t = 6000;
        h.other.review(acme, a.id, [{ item: 'i1', decision: 'reject' }], []);
        const pub = h.store.summary(acme, a.id);
        expect([pub?.status, pub?.published, pub?.updated, pub?.reviewed]).toEqual(['published', 5000, 6000, 2]);
        expect(h.store.summary(acme, b.id)?.status).toBe('reviewed');
      } finally {
        await h.close();
      }
    });

    it('removes a report with its reviews and labels, in its tenant only', async () => {
      const h = await open(() => 1000);
      try {
        const a = h.store.put(acme, testReport('a1')).summary;
        const b = h.store.put(acme, testReport('b2')).summary;
        for (const id of [a.id, b.id])
          h.store.review(
            acme,
            id,
            [{ item: 'i0', decision: 'accept' }],
            [{ sentence: 0, text: 's', techniques: ['T1059.001'], rejected: [] }],
          );
        expect(h.other.remove(globex, a.id)).toBe(false);
        expect(h.other.remove(acme, a.id)).toBe(true);
        expect(h.store.remove(acme, a.id)).toBe(false);
        expect(h.store.summary(acme, a.id)).toBeUndefined();
        expect(h.store.reviews(acme, a.id)).toEqual([]);
        expect(h.store.labels(acme).map((l) => l.report)).toEqual([b.id]);
        expect(h.store.list(acme).map((s) => s.id)).toEqual([b.id]);
        // The same file can come back as a new report.
        expect(h.store.put(acme, testReport('a1')).created).toBe(true);
      } finally {
        await h.close();
      }
    });

    it('keeps model versions per tenant and kind, with one active version', async () => {
      const h = await open(() => 1000);
      try {
        const v = (version: string, created: number) => ({
          kind: 'attack' as const,
          version,
          created,
          file: `models/text/acme/attack-${version}.json.gz`,
          metrics: { f1: 0.5, folds: [1, 2] },
        });
        expect(h.store.activeModel(acme, 'attack')).toBeUndefined();
        h.store.addModel(acme, v('v1', 100), true);
        h.other.addModel(acme, v('v2', 200), false);
        expect(h.store.activeModel(acme, 'attack')?.version).toBe('v1');
        h.other.addModel(acme, v('v3', 200), true);
        h.store.addModel(acme, { ...v('t1', 300), kind: 'triage' }, true);
        expect(h.store.models(acme, 'attack').map((m) => [m.version, m.active])).toEqual([
          ['v3', true],
          ['v2', false],
          ['v1', false],
        ]);
        expect(h.store.activeModel(acme, 'attack')).toEqual({ ...v('v3', 200), active: true });
        expect(h.store.activeModel(acme, 'triage')?.version).toBe('t1');
        // Recording a known version again replaces it; activating it makes it the only active one.
        h.store.addModel(acme, { ...v('v1', 400), metrics: { f1: 0.7 } }, true);
        expect(h.other.models(acme, 'attack').map((m) => [m.version, m.active, m.created])).toEqual([
          ['v1', true, 400],
          ['v3', false, 200],
          ['v2', false, 200],
        ]);
        expect(h.other.activeModel(acme, 'attack')?.metrics).toEqual({ f1: 0.7 });
        expect(h.store.models(globex, 'attack')).toEqual([]);
        expect(h.store.activeModel(globex, 'attack')).toBeUndefined();
        expect(codeOf(() => h.store.addModel(acme, v('../evil', 500), true))).toBe('VALIDATION');
        expect(h.store.activeModel(acme, 'attack')?.version).toBe('v1');
      } finally {
        await h.close();
      }
    });
  });
}

/** The `IncidentLabelStore` suite. */
export function incidentLabelsSuite(name: string, open: (now: () => number) => Promise<IncidentLabelsHandle>): void {
  describe(`incident labels (${name})`, () => {
    it('records corrections per tenant, oldest first then by id byte-wise, the latest one per incident', async () => {
      let t = 1000;
      const h = await open(() => t);
      try {
        expect(h.labels.correct(ann, testIncident('inc-b'), 'malicious-code/infected-system', 'execution')).toEqual({
          incident: 'inc-b',
          category: 'malicious-code/infected-system',
          tactic: 'execution',
          by: 'ann',
          at: 1000,
        });
        h.other.correct(bob, testIncident('inc-a', 'acme', ['ACME\\adm-joe']), 'malicious-code/c2-server');
        h.other.correct(bob, testIncident('Inc-z'), 'abusive-content/spam');
        t = 500;
        h.labels.correct(gus, testIncident('inc-g', 'globex'), 'abusive-content/spam', 'none');
        t = 2000;
        h.other.correct(bob, testIncident('inc-c'), 'abusive-content/spam');
        const got = h.labels.labelled(ann);
        expect(got.map((l) => [l.group, l.category, l.tactic])).toEqual([
          ['corrections:acme:Inc-z', 'abusive-content/spam', 'none'],
          ['corrections:acme:inc-a', 'malicious-code/c2-server', 'none'],
          ['corrections:acme:inc-b', 'malicious-code/infected-system', 'execution'],
          ['corrections:acme:inc-c', 'abusive-content/spam', 'none'],
        ]);
        expect(got[1]?.input).toEqual({
          tactics: ['execution', 'credential-access'],
          techniques: ['T1059.001', 'T1003.001'],
          rules: [{ title: 'Mimikatz', kind: 'sigma', count: 3 }],
          maxSeverity: 'high',
          users: ['ACME\\adm-joe'],
          privileged: true,
          sources: ['windows'],
          alertCount: 4,
        });
        expect(got[2]?.input.privileged).toBe(false);
        expect(h.other.labelled(gus).map((l) => l.group)).toEqual(['corrections:globex:inc-g']);

        // A second correction of an incident replaces the first, and moves it to its new time.
        t = 3000;
        h.other.correct(ann, testIncident('inc-a'), 'malicious-code/infected-system', 'credential-access');
        expect(h.labels.labelled(bob).map((l) => [l.group, l.category, l.tactic, l.input.privileged])).toEqual([
          ['corrections:acme:Inc-z', 'abusive-content/spam', 'none', false],
          ['corrections:acme:inc-b', 'malicious-code/infected-system', 'execution', false],
          ['corrections:acme:inc-c', 'abusive-content/spam', 'none', false],
          ['corrections:acme:inc-a', 'malicious-code/infected-system', 'credential-access', false],
        ]);
      } finally {
        await h.close();
      }
    });

    it('refuses viewers, other tenants’ incidents, unknown categories and tactics, and stores nothing then', async () => {
      const h = await open(() => 1000);
      try {
        const inc = testIncident('inc-1');
        expect(codeOf(() => h.labels.correct(viewer, inc, 'abusive-content/spam'))).toBe('FORBIDDEN');
        expect(codeOf(() => h.labels.correct(gus, inc, 'abusive-content/spam'))).toBe('NOT_FOUND');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content/nope'))).toBe('VALIDATION');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content'))).toBe('VALIDATION');
        expect(codeOf(() => h.labels.correct(ann, inc, 'abusive-content/spam', 'lateral'))).toBe('VALIDATION');
        expect(h.other.labelled(ann)).toEqual([]);
        expect(h.other.labelled(gus)).toEqual([]);
      } finally {
        await h.close();
      }
    });
  });
}
