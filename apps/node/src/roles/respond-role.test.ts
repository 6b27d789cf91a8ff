/**
 * The respond role in one process, on a real PostgreSQL server (scratch databases): refused
 * without a PostgreSQL store or on an unmigrated one, with the settings or the command to run; one
 * driver per store (a second instance stands by until the first lets go of the lock on close).
 * The driving instance starts the playbooks that incidents call for, read from the store, once per
 * incident and playbook. Killed processes and resumed runs: tests/e2e/respond-role.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext } from '@intersoc/core';
import { CaseService, PgCaseStore } from '@intersoc/cases';
import { PgIncidentStore, type Incident } from '@intersoc/correlate';
import {
  PgRespondStore,
  playbookDigest,
  RESPOND_EXTENSION_DEFINITION,
  RESPOND_EXTENSION_ID,
  type Playbook,
} from '@intersoc/respond';
import { createScratchDb, migratePg, openPgAuthStores } from '@intersoc/storage/postgres';
import { loadConfig } from '../config.js';
import { startRespondRole } from './respond-role.js';
import { startScaleOut } from './start.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-respond-role-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(roles: string, store?: string): ReturnType<typeof loadConfig> {
  return loadConfig({ data: dir, env: {}, overrides: { roles, ...(store ? { store: { url: store } } : {}) } });
}

const probe = await createScratchDb('intersoc_respond_role_probe');
if ('unavailable' in probe) console.warn(`respond role tests on PostgreSQL skipped: ${probe.unavailable}`);
else await probe.drop();

describe('respond role', () => {
  it('refuses a store that is not PostgreSQL, and respond combined with all', async () => {
    await expect(startScaleOut(config('respond'), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('--store postgres://') as string,
    });
    await expect(startScaleOut(config('respond', `sqlite:${dir}`), () => undefined)).rejects.toMatchObject({
      code: 'CONFIG',
    });
    await expect(
      startScaleOut(config('respond,all', 'postgres://nobody@127.0.0.1:1/none'), () => undefined),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it.skipIf(!('url' in probe))('refuses an unmigrated store, naming db migrate', async () => {
    const db = await createScratchDb('intersoc_respond_role');
    if (!('url' in db)) throw new Error(db.unavailable);
    try {
      await expect(startRespondRole(config('respond', db.url), () => undefined)).rejects.toMatchObject({
        code: 'CONFIG',
        message: expect.stringContaining('db migrate') as string,
      });
    } finally {
      await db.drop();
    }
  });

  it.skipIf(!('url' in probe))(
    'drives runs with one instance per store; the second stands by until the first closes',
    async () => {
      const db = await createScratchDb('intersoc_respond_role');
      if (!('url' in db)) throw new Error(db.unavailable);
      try {
        await migratePg(db.url);
        const logs: string[] = [];
        const a = await startRespondRole(config('respond', db.url), (m) => logs.push(`a ${m}`));
        await a.driving;
        const b = await startRespondRole(config('respond', db.url), (m) => logs.push(`b ${m}`));
        let bDriving = false;
        void b.driving.then(() => (bDriving = true));
        while (!logs.some((l) => l.startsWith('b respond: another instance drives')))
          await new Promise((r) => setTimeout(r, 20));
        expect(bDriving).toBe(false);
        await a.close();
        await b.driving;
        expect(logs.filter((l) => l.includes('driving runs'))).toEqual([
          'a respond: driving runs (resumed 0, 0 step(s) in doubt)',
          'b respond: driving runs (resumed 0, 0 step(s) in doubt)',
        ]);
        await b.close();
      } finally {
        await db.drop();
      }
    },
  );

  it.skipIf(!('url' in probe))(
    'starts the playbooks an incident calls for, once, also for a replayed capture years old',
    async () => {
      const db = await createScratchDb('intersoc_respond_triggers');
      if (!('url' in db)) throw new Error(db.unavailable);
      await migratePg(db.url);
      const stores = openPgAuthStores(db.url);
      const pg = stores.pg;
      try {
        const store = new PgRespondStore(pg, stores.audit);
        const incidents = new PgIncidentStore(pg);
        const ctx = systemContext('t1');
        const pb = triggered(1, { techniques: ['T1003.001'] });
        store.putPlaybook(ctx, {
          id: pb.id,
          version: pb.modified,
          name: pb.name,
          digest: playbookDigest(pb),
          source: 'local',
          signedBy: [],
          addedBy: 'alice',
          addedAt: Date.now(),
          playbook: pb,
        });
        // An incident of a 2019 capture, written now: its alert times are old, its write is new.
        incidents.put(ctx, incident('inc-1', ['T1003.001'], Date.UTC(2019, 2, 19)));
        incidents.put(ctx, incident('inc-2', ['T1059.001'], Date.UTC(2019, 2, 19)));
        // inc-1 is worked in a case: its run goes on the case's timeline.
        const caseService = new CaseService({ store: new PgCaseStore(pg), incidents });
        const worked = caseService.create({ ...ctx, user: 'alice' }, { incidents: ['inc-1'], template: 'none' });
        const role = await startRespondRole(config('respond', db.url), () => undefined);
        await role.driving;
        const runs = async (): Promise<string[]> => {
          for (let i = 0; i < 600; i++) {
            const items = store.listRuns(ctx).items;
            if (items.length > 0) return items.map((r) => `${r.trigger.kind}:${r.trigger.ref ?? ''}`);
            await new Promise((r) => setTimeout(r, 50));
          }
          return [];
        };
        expect(await runs()).toEqual(['incident:inc-1']);
        for (
          let i = 0;
          i < 600 && !caseService.historyOf(ctx, worked.id).some((h) => h.action.startsWith('playbook run'));
          i++
        )
          await new Promise((r) => setTimeout(r, 50));
        expect(
          caseService
            .historyOf(ctx, worked.id)
            .filter((h) => h.action.startsWith('playbook run'))
            .map((h) => h.action),
        ).toEqual(['playbook run started']);
        // Changed again (a new alert): still one run per incident and playbook.
        incidents.put(ctx, { ...incident('inc-1', ['T1003.001'], Date.UTC(2019, 2, 19)), alertCount: 3 });
        const again = triggered(2, { techniques: ['T1059.001'] });
        store.putPlaybook(ctx, {
          id: again.id,
          version: again.modified,
          name: again.name,
          digest: playbookDigest(again),
          source: 'local',
          signedBy: [],
          addedBy: 'alice',
          addedAt: Date.now(),
          playbook: again,
        });
        incidents.put(ctx, { ...incident('inc-2', ['T1059.001'], Date.UTC(2019, 2, 19)), alertCount: 2 });
        for (let i = 0; i < 600 && store.listRuns(ctx).items.length < 2; i++)
          await new Promise((r) => setTimeout(r, 50));
        expect(
          store
            .listRuns(ctx)
            .items.map((r) => `${r.playbookId} ${r.trigger.ref ?? ''}`)
            .sort(),
        ).toEqual([`${pb.id} inc-1`, `${again.id} inc-2`]);
        await role.close();
      } finally {
        await stores.close();
        await db.drop();
      }
    },
  );
});

const fid = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** start → a manual task → end, started by incidents that meet `triggers`. */
function triggered(n: number, triggers: Record<string, unknown>): Playbook {
  const [start, act, end] = [fid('start', n), fid('action', n), fid('end', n)];
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: fid('playbook', n),
    name: `triggered ${n}`,
    created_by: fid('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: start,
    workflow: {
      [start]: { type: 'start', on_completion: act },
      [act]: {
        type: 'action',
        name: 'look',
        commands: [{ type: 'manual', command: 'Look at the host' }],
        agent: fid('individual', 1),
        on_completion: end,
      },
      [end]: { type: 'end' },
    },
    agent_definitions: { [fid('individual', 1)]: { type: 'individual', name: 'duty analyst' } },
    playbook_extensions: { [RESPOND_EXTENSION_ID]: { triggers } },
    extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
  };
}

function incident(id: string, techniques: string[], at: number): Incident {
  return {
    id,
    tenant: 't1',
    title: `incident ${id}`,
    severity: 'high',
    score: 70,
    scoreParts: { severity: 0.8, criticality: 0.7, confidence: 0.9, spread: 1 },
    status: 'open',
    maxAlertSeverity: 'high',
    firstSeen: at,
    lastSeen: at,
    created: Date.now(),
    updated: Date.now(),
    alertCount: 1,
    hosts: ['ws-1'],
    users: [],
    ips: [],
    domains: [],
    tactics: ['credential-access'],
    techniques,
    rsit: {
      class: 'intrusions',
      type: 'system-compromise',
      classLabel: 'Intrusions',
      typeLabel: 'System compromise',
      reason: 'test',
      classifier: 'test/1',
      confidence: 0.9,
    },
    rules: [],
    sources: ['host'],
    graph: { nodes: [], edges: [] },
    timeline: [],
    mergedFrom: [],
    links: [],
  };
}
