import { describe, expect, it } from 'vitest';
import { AppError, systemContext, type AuthContext } from '@intersoc/core';
import { openSqliteCtiStore, validateStix } from '@intersoc/cti';
import { openDatabase } from '@intersoc/storage';
import { loadSentenceModel } from '../attack/release.js';
import { writeSimplePdf } from '../document/pdf-writer.js';
import { extractDocument } from '../extract/extract.js';
import { BenignFilter } from '../iocs/benign.js';
import { SqliteReportStore } from '../store/sqlite-reports.js';
import { correctionSentences } from './retrain.js';
import { ReportService } from './service.js';

const acme = systemContext('acme');
const globex = systemContext('globex');
const viewer: AuthContext = { tenant: 'acme', user: 'vera', roles: ['viewer'], via: 'token' };

function setup() {
  const db = openDatabase(':memory:');
  const store = new SqliteReportStore(db);
  const cti = openSqliteCtiStore(db);
  const service = new ReportService({
    store,
    model: () => loadSentenceModel(),
    benign: new BenignFilter(),
    cti,
    extract: (b, o) => extractDocument(b, o),
  });
  return { store, cti, service };
}

const PDF = writeSimplePdf([
  [
    'The group sent spearphishing emails with a malicious attachment to the staff.',
    'The loader downloaded a second-stage payload from hxxp://files.evil-cdn[.]com/p.bin and ran it.',
    'It wrote the bitcoin wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 into the ransom note.',
    'Mimikatz dumped credentials from LSASS memory on the file server 10.0.0.5.',
  ],
]);

describe('the report service', () => {
  it('adds a report once, scoped to its tenant and role', async () => {
    const { service } = setup();
    const first = await service.add(acme, PDF, { name: 'a.pdf', tlp: 'amber' });
    const again = await service.add(acme, PDF, { name: 'copy.pdf', tlp: 'amber' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ summary: first.summary, created: false });
    expect(service.list(globex)).toEqual([]);
    expect(() => service.get(globex, first.summary.id)).toThrow(AppError);
    expect(service.list(viewer).map((r) => r.id)).toEqual([first.summary.id]);
    await expect(service.add(viewer, PDF, { name: 'b.pdf', tlp: 'amber' })).rejects.toThrow(/requires role/);
  });

  it('turns reviews into labelled sentences and publishes only what was not rejected', async () => {
    const { service, cti } = setup();
    const { summary } = await service.add(acme, PDF, { name: 'a.pdf', tlp: 'green' });
    const r = service.get(acme, summary.id);
    const dropped = r.analysis.dropped.map((d) => [d.type, d.value]);
    expect(dropped).toEqual([['ipv4-addr', '10.0.0.5']]);
    const byValue = (v: string) => r.itemsReviewed.find((i) => i.value === v);
    const url = byValue('http://files.evil-cdn.com/p.bin');
    const lsass = byValue('T1003.001');
    const transfer = byValue('T1105');
    expect(url && lsass && transfer).toBeTruthy();
    const reviewed = service.review(
      acme,
      summary.id,
      [
        { item: url?.id ?? '', decision: 'reject' },
        { item: lsass?.id ?? '', decision: 'accept' },
        { item: transfer?.id ?? '', decision: 'correct', value: 'T1204.002' },
      ],
      [{ sentence: 0, technique: 'T1566.001' }],
    );
    expect(reviewed.status).toBe('reviewed');
    const labels = setupLabels(service, summary.id);
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sentence: lsass?.sentence, techniques: ['T1003.001'] }),
        expect.objectContaining({ sentence: transfer?.sentence, techniques: ['T1204.002'], rejected: ['T1105'] }),
        expect.objectContaining({ sentence: 0, techniques: expect.arrayContaining(['T1566.001']) as string[] }),
      ]),
    );
    expect(() => service.review(acme, summary.id, [{ item: 'i999', decision: 'accept' }])).toThrow(/no item i999/);
    expect(() =>
      service.review(acme, summary.id, [{ item: lsass?.id ?? '', decision: 'correct', value: 'T0000' }]),
    ).toThrow(/not an ATT&CK technique/);

    const bundle = service.bundle(acme, summary.id);
    const v = validateStix(bundle);
    expect(v.errors).toEqual([]);
    const objects = bundle.objects;
    const patterns = objects.filter((o) => o['type'] === 'indicator').map((o) => o['pattern']);
    expect(patterns).not.toContain("[url:value = 'http://files.evil-cdn.com/p.bin']");
    expect(patterns).toContain("[x-intersoc-cryptocurrency-wallet:value = '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2']");
    const techniques = objects
      .filter((o) => o['type'] === 'attack-pattern')
      .map((o) => (o['external_references'] as { external_id: string }[])[0]?.external_id);
    expect(techniques).toEqual(expect.arrayContaining(['T1003.001', 'T1204.002', 'T1566.001']));
    expect(techniques).not.toContain('T1105');
    const report = objects.find((o) => o['type'] === 'report');
    expect((report?.['object_refs'] as string[]).length).toBe(objects.length - 2);
    expect(
      objects.every(
        (o) => o['type'] === 'marking-definition' || (o['object_marking_refs'] as string[])[0]?.includes('bab4a63c'),
      ),
    ).toBe(true);

    const published = service.publish(acme, summary.id);
    expect(published.rejected).toEqual([]);
    expect(published.added).toBe(objects.length);
    expect(cti.get(acme, String(report?.['id']))[0]?.tlp).toBe('green');
    expect(cti.get(globex, String(report?.['id']))).toEqual([]);
  });
});

function setupLabels(service: ReportService, id: string) {
  // Labels are read back through the store the service wrote them to.
  const store = (service as unknown as { d: { store: SqliteReportStore } }).d.store;
  const labels = store.labels(acme).filter((l) => l.report === id);
  expect(correctionSentences(acme, labels).every((s) => s.doc === `report:acme:${id}`)).toBe(true);
  return labels;
}
