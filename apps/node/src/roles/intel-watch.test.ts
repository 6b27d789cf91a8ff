/**
 * The detect role's indicators on a real PostgreSQL server (a scratch database): the `ioc`
 * detectors built from a spec with `storeUrl` match indicators written with `PgCtiStore` (only
 * for their tenant) and leave out one a peer sent that the federation state (`PgFederationState`)
 * keeps in quarantine; the watch's generation moves, and its listener runs, when another
 * indicator lands (detectors rebuilt then match it, the old ones do not: they are a snapshot,
 * hence the rebuild) and when an analyst rejects one (rebuilt detectors leave it out). Skips,
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

/** Rule ids (indicator ids) of the alerts the detectors raise on one tenant's batch, sorted. */
async function matched(detectors: readonly Detector[], tenant: string, ips: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of detectors) {
    for (const a of await d.detect(ips.map((ip) => event(tenant, ip)))) out.push(a.detector.ruleId);
  }
  return out.sort();
}

describe.skipIf(!('url' in probe))('detect role: indicators from the PostgreSQL CTI store', () => {
  it('matches the indicators of the store, leaves out a quarantined one, and moves the generation on a new indicator or a review', async () => {
    const db = await createScratchDb('intersoc_intel_watch');
    if (!('url' in db)) throw new Error(db.unavailable);
    const closers: (() => unknown)[] = [];
    try {
      await migratePg(db.url);
      const pg = openSyncPg(db.url);
      closers.push(() => pg.close());
      const cti = new PgCtiStore(pg);
      const acme = systemContext('acme');
      const ips = ['198.51.100.7', '198.51.100.8', '198.51.100.9', '198.51.100.10'];
      const put = cti.put(acme, [indicator(1, ips[0] ?? ''), indicator(3, ips[2] ?? ''), indicator(4, ips[3] ?? '')], {
        source: 'local',
      });
      expect(put.map((p) => p.status)).toEqual(['added', 'added', 'added']);
      // Indicators 3 and 4 came from peers: 3 from a trusted one (a row as PgPeerStore stores it),
      // 4 from an unknown one, so the federation tenant's state keeps 4 in quarantine.
      writeFileSync(path.join(dir, FEDERATION_CONFIG_FILE), JSON.stringify({ tenant: 'acme' }));
      pg.run(
        `INSERT INTO fed_peers (node_id, public_key, name, sector, country, communities, reliability, status, added, changed)
         VALUES ('node-x', 'k', 'x', 'energy', 'FR', '[]', 'A', 'active', 1, 1)`,
      );
      const fed = new PgFederationState(pg);
      const report = (n: number, origin: string, ip: string) => ({
        tenant: 'acme',
        objectId: indicator(n, ip).id,
        version: '2024-02-28T00:00:00.000Z',
        origin,
        sender: origin,
        confidence: 80,
        hops: 1,
        valueKey: `ipv4-addr:${ip}`,
      });
      fed.recordReports([report(3, 'node-x', ips[2] ?? ''), report(4, 'node-y', ips[3] ?? '')]);

      const logs: string[] = [];
      const watch = await startIntelWatch({ url: db.url, pollMs: 3_600_000, log: (m) => logs.push(m) });
      closers.push(() => watch.close());
      const first = watch.generation();
      expect(first).toMatch(/^3:\d+\/1:1\/0:0$/);
      let changes = 0;
      watch.onChange(async () => void changes++);

      // `dataDir` holds no node.db: the indicators come from the store only.
      const spec: DetectorSpec = { dataDir: dir, kinds: ['ioc'], storeUrl: db.url };
      const ids = async (ds: readonly Detector[], tenant = 'acme'): Promise<string[]> =>
        (await matched(ds, tenant, ips)).map((r) => r.slice(-2));
      const open = async (): Promise<Detector[]> => {
        const ds = await iocDetectors(spec);
        closers.push(async () => {
          for (const d of ds) await d.close?.();
        });
        return ds;
      };
      const before = await open();
      expect(await ids(before)).toEqual(['01', '03']);
      expect(await ids(before, 'other')).toEqual([]);

      // Nothing moved: a check reports no change and runs no listener.
      expect(await watch.check()).toBe(false);
      expect(changes).toBe(0);

      // A second local indicator lands (as a TAXII post or an api import would write it).
      expect(cti.put(acme, [indicator(2, ips[1] ?? '')], { source: 'local' })[0]?.status).toBe('added');
      expect(await watch.check()).toBe(true);
      const second = watch.generation();
      expect(second).toMatch(/^4:\d+\/1:1\/0:0$/);
      expect(changes).toBe(1);
      expect(logs.some((m) => m.includes('rebuilding the ioc detectors'))).toBe(true);
      // The detectors are a snapshot (hence the rebuild); rebuilt ones match the new indicator.
      expect(await ids(before)).toEqual(['01', '03']);
      expect(await ids(await open())).toEqual(['01', '02', '03']);

      // The analyst rejects the peer's indicator 3 (as through the api role): no indicator row
      // moved, the review did, and detectors rebuilt then leave it out.
      fed.reviewIntel('acme', indicator(3, '').id, 'rejected', 'alice', 5);
      expect(await watch.check()).toBe(true);
      expect(watch.generation()).toBe(`${second?.split('/').slice(0, 2).join('/')}/1:5`);
      expect(changes).toBe(2);
      expect(await ids(await open())).toEqual(['01', '02']);
    } finally {
      for (const c of closers.reverse()) await c();
      await db.drop();
    }
  });
});
