/**
 * Playbooks travel signed between two nodes: node A signs a playbook with its node key and shares
 * it under TLP through the federation (TAXII push over HTTP, node-key authentication); node B
 * receives the STIX wrapper, checks the CACAO signature against A's key from A's peer card, and
 * adds the playbook with A as its source. A playbook that A shares unsigned is not imported, and
 * a TLP:RED playbook never reaches B.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext, type Config } from '@intersoc/core';
import { openSqliteCtiStore, openSqliteTaxiiBackend, type SqliteCtiStore } from '@intersoc/cti';
import {
  cardOf,
  Federation,
  FederationConfigSchema,
  federationHttp,
  initIdentity,
  TaxiiBridge,
} from '@intersoc/federation';
import { OCA_PLAYBOOK_TYPE, type Playbook, type RespondRuntime } from '@intersoc/respond';
import { openDatabase, type SqliteDb } from '@intersoc/storage';
import { openRespond } from './open.js';
import { importSharedPlaybooks, sharePlaybook } from './shared.js';

interface TestNode {
  readonly dir: string;
  readonly db: SqliteDb;
  readonly cti: SqliteCtiStore;
  readonly fed: Federation;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly rt: RespondRuntime;
}

async function node(name: string): Promise<TestNode> {
  const dir = mkdtempSync(path.join(tmpdir(), `respond-fed-${name}-`));
  const keys = initIdentity(dir, { name, sector: 'energy', country: 'FR', communities: ['eu-energy'] });
  const db = openDatabase(path.join(dir, 'intersoc.db'));
  const cti = openSqliteCtiStore(db);
  const taxii = openSqliteTaxiiBackend(db);
  const fed = new Federation({
    keys,
    config: FederationConfigSchema.parse({ syncIntervalSeconds: 3600 }),
    db,
    cti,
    taxii,
    lookupSeed: new Uint8Array(32).fill(name.length),
  });
  const app = Fastify();
  await app.register(federationHttp, {
    backend: new TaxiiBridge({ base: taxii, cti, inbox: (peer, objects) => fed.receive(peer, objects, 'push') }),
    federation: fed,
    authenticate: async () => undefined,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const rt = openRespond({ data: dir } as Config, db);
  return { dir, db, cti, fed, app, url, rt };
}

const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function playbook(n: number, tlp: string): Playbook {
  const marking = id('marking-tlp', n);
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', n),
    name: `shared playbook ${n}`,
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    markings: [marking],
    data_marking_definitions: {
      [marking]: {
        type: 'marking-tlp',
        id: marking,
        created_by: id('identity', 1),
        created: '2025-01-01T00:00:00.000Z',
        tlpv2_level: tlp,
      },
    },
    workflow_start: id('start', n),
    workflow: {
      [id('start', n)]: { type: 'start', on_completion: id('action', n) },
      [id('action', n)]: {
        type: 'action',
        commands: [{ type: 'manual', command: 'Check the firewall' }],
        agent: id('individual', 1),
        on_completion: id('end', n),
      },
      [id('end', n)]: { type: 'end' },
    },
    agent_definitions: { [id('individual', 1)]: { type: 'individual', name: 'analyst' } },
  };
}

let a: TestNode;
let b: TestNode;

beforeAll(async () => {
  a = await node('soc-a');
  b = await node('soc-b');
  const ctx = systemContext('default');
  a.fed.addPeer(ctx, cardOf(b.fed.fx.keys.identity), { reliability: 'B', endpoint: b.url });
  b.fed.addPeer(ctx, cardOf(a.fed.fx.keys.identity), { reliability: 'B', endpoint: a.url });
});

afterAll(async () => {
  for (const n of [a, b]) {
    await n.fed.stop();
    await n.app.close();
    n.db.close();
    rmSync(n.dir, { recursive: true, force: true });
  }
});

describe('playbooks between nodes', () => {
  it('travel signed under TLP and are imported only when their signature verifies with the sender key', async () => {
    const ctx = { ...systemContext('default'), user: 'alice' };
    a.rt.playbooks.add(ctx, playbook(1, 'TLP:GREEN'));
    a.rt.playbooks.add(ctx, playbook(2, 'TLP:GREEN'));
    a.rt.playbooks.add(ctx, playbook(3, 'TLP:RED'));
    const signed = a.rt.playbooks.sign(ctx, id('playbook', 1));
    expect(signed.signedBy).toEqual([a.fed.me]);
    const s1 = sharePlaybook(a.rt, a.cti, a.fed, ctx, id('playbook', 1));
    expect(s1.queued[b.fed.me]).toBe(1);
    sharePlaybook(a.rt, a.cti, a.fed, ctx, id('playbook', 2));
    const red = sharePlaybook(a.rt, a.cti, a.fed, ctx, id('playbook', 3));
    expect(red.queued[b.fed.me] ?? 0).toBe(0);
    await a.fed.syncAll();

    // B has the wrappers of what the policy let through: not the RED one.
    const got = b.cti.query(ctx, { types: [OCA_PLAYBOOK_TYPE] }).objects;
    expect(got.map((o) => o.object['playbook_id']).sort()).toEqual([id('playbook', 1), id('playbook', 2)]);
    expect(got.every((o) => o.provenance.source === `peer:${a.fed.me}`)).toBe(true);

    const errors: string[] = [];
    expect(importSharedPlaybooks(b.rt, b.cti, (e) => errors.push((e as Error).message))).toBe(1);
    const list = b.rt.playbooks.list(ctx);
    expect(list.map((p) => [p.id, p.source, p.signedBy])).toEqual([
      [id('playbook', 1), `peer:${a.fed.me}`, [a.fed.me]],
    ]);
    expect(b.rt.playbooks.verify(ctx, { id: id('playbook', 1) }).signatures[0]).toMatchObject({
      valid: true,
      holder: 'peer soc-a',
    });
    expect(errors.join('\n')).toMatch(
      /playbook--00000000-0000-4000-8000-000000000002 .*no signature by a key this node trusts/,
    );
    expect(errors).toHaveLength(1);
    // Importing again adds nothing.
    expect(importSharedPlaybooks(b.rt, b.cti, () => undefined)).toBe(0);
  });
});
