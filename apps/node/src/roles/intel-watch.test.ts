/**
 * The detect role's indicators on a real PostgreSQL server (a scratch database): the `ioc`
 * detectors built from a spec with `storeUrl` match an indicator written with `PgCtiStore`
 * (only for its tenant), leave out one the analyst rejected (`PgFederationState`), and the
 * watch's generation moves, and its listener runs, when a second indicator lands; detectors
 * rebuilt then match it, the old ones do not (they are a snapshot, hence the rebuild). Skips,
 * and says so, only when PostgreSQL is unreachable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext, type Detector, type SocEvent } from '@intersoc/core';
import { PgCtiStore } from '@intersoc/cti';
import { FEDERATION_CONFIG_FILE, PgFederationState } from '@intersoc/federation';
import { createScratchDb, migratePg, openSyncPg } from '@intersoc/storage/postgres';
import type { DetectorSpec } from '../pipeline/detector-spec.js';
import { iocDetectors } from '../pipeline/ioc-factory.js';
import { startIntelWatch } from './intel-watch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-intel-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = await createScratchDb('intersoc_intel_watch_probe');
if ('unavailable' in probe) console.warn(`detect role indicator tests on PostgreSQL skipped: ${probe.unavailable}`);
else await probe.drop();

const T = Date.parse('2024-03-01T10:00:00Z');
const indicator = (n: number, ip: string) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-02-28T00:00:00.000Z',
  modified: '2024-02-28T00:00:00.000Z',
  pattern: `[ipv4-addr:value = '${ip}']`,
  pattern_type: 'stix',
  valid_from: '2024-02-28T00:00:00Z',
  confidence: 80,
});
const event = (tenant: string, ip: string): SocEvent => ({
  id: `${tenant}-${ip}`,
  time: T,
  ingested: T,
  tenant,
  source: { format: 'json', kind: 'file', name: 't' },
  raw: '{}',
  fields: {},
  ecs: { 'destination.ip': ip },
});

/** Indicator ids of the alerts the detectors raise on one tenant's batch. */
async function matched(detectors: readonly Detector[], tenant: string, ips: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of detectors) {
    for (const a of await d.detect(ips.map((ip) => event(tenant, ip)))) out.push(a.detector.ruleId);
  }
  return out.sort();
}

describe.skipIf(!('url' in probe))('detect role: indicators from the PostgreSQL CTI store', () => {
  it('matches indicators of the store, leaves out a rejected one, and rebuilds when the generation moves', async () => {
    const db = await createScratchDb('intersoc_intel_watch');
    if (!('url' in db)) throw new Error(db.unavailable);
    const closers: (() => unknown)[] = [];
    try {
      await migratePg(db.url);
      const pg = openSyncPg(db.url);
      closers.push(() => pg.close());
      const cti = new PgCtiStore(pg);
      const acme = systemContext('acme');
      const put = cti.put(acme, [indicator(1, '198.51.100.7'), indicator(3, '198.51.100.9')], { source: 'local' });
      expect(put.map((p) => p.status)).toEqual(['added', 'added']);
      // Indicator 3 came from a peer and the analyst rejected it: the federation tenant's state keeps it out.
      writeFileSync(path.join(dir, FEDERATION_CONFIG_FILE), JSON.stringify({ tenant: 'acme' }));
      const fed = new PgFederationState(pg);
      fed.recordReports([
        {
          tenant: 'acme',
          objectId: indicator(3, '').id,
          version: '2024-02-28T00:00:00.000Z',
          origin: 'node-x',
          sender: 'node-x',
          confidence: 80,
          hops: 1,
          valueKey: 'ipv4-addr:198.51.100.9',
        },
      ]);
      fed.reviewIntel('acme', indicator(3, '').id, 'rejected', 'alice');

      const logs: string[] = [];
      const watch = await startIntelWatch({ url: db.url, pollMs: 3_600_000, log: (m) => logs.push(m) });
      closers.push(() => watch.close());
      const first = watch.generation();
      expect(first).toMatch(/^2:\d+$/);
      let changes = 0;
      watch.onChange(async () => void changes++);

      // `dataDir` holds no node.db: the indicators come from the store only.
      const spec: DetectorSpec = { dataDir: dir, kinds: ['ioc'], storeUrl: db.url };
      const before = await iocDetectors(spec);
      closers.push(async () => {
        for (const d of before) await d.close?.();
      });
      const ips = ['198.51.100.7', '198.51.100.8', '198.51.100.9'];
      const one = await matched(before, 'acme', ips);
      expect(one).toHaveLength(1);
      expect(one[0]).toContain(indicator(1, '').id.slice(-12));
      expect(await matched(before, 'other', ips)).toEqual([]);

      // Nothing moved: a check reports no change and runs no listener.
      expect(await watch.check()).toBe(false);
      expect(changes).toBe(0);

      // A second indicator lands (as a TAXII post or an api import would write it).
      expect(cti.put(acme, [indicator(2, '198.51.100.8')], { source: 'local' })[0]?.status).toBe('added');
      expect(await watch.check()).toBe(true);
      expect(watch.generation()).toMatch(/^3:\d+$/);
      expect(watch.generation()).not.toBe(first);
      expect(changes).toBe(1);
      expect(logs.some((m) => m.includes('rebuilding the ioc detectors'))).toBe(true);

      expect(await matched(before, 'acme', ips)).toHaveLength(1);
      const after = await iocDetectors(spec);
      closers.push(async () => {
        for (const d of after) await d.close?.();
      });
      const two = await matched(after, 'acme', ips);
      expect(two).toHaveLength(2);
      expect(two.join(' ')).not.toContain(indicator(3, '').id.slice(-12));
    } finally {
      for (const c of closers.reverse()) await c();
      await db.drop();
    }
  });
});
