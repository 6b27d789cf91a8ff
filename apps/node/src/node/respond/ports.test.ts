/**
 * The node's own services behind playbook commands, with real stores: a `sigma` hunt over a real
 * event store, `open-case` and `add-observable` in the case store, `block-indicator` in the CTI
 * store the indicator detector reads, and rollback revoking the indicator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, eventId, systemContext, type AuthContext, type Config } from '@intersoc/core';
import { CaseService, SqliteCaseStore } from '@intersoc/cases';
import { SqliteIncidentStore } from '@intersoc/correlate';
import { openSqliteCtiStore } from '@intersoc/cti';
import { RESPOND_EXTENSION_DEFINITION, RESPOND_EXTENSION_ID, type Playbook } from '@intersoc/respond';
import {
  encodeBlock,
  EVENTS_DB_FILE,
  openDatabase,
  openEventReader,
  openEventWriter,
  type BlockEvent,
  type SqliteEventReader,
} from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { openRespond } from './open.js';
import { nodePorts } from './ports.js';

const T0 = Date.UTC(2025, 0, 1);
const id = (t: string, n: number) => `${t}--00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
let dir: string;
let reader: SqliteEventReader;

function ev(i: number): BlockEvent {
  // Azure activity-log records: what the rule's logsource (product azure) selects.
  const raw = JSON.stringify({
    operationName: 'Microsoft.Compute/virtualMachines/write',
    caller: `u${i % 4}`,
    message: i % 10 === 0 ? `needle ${i}` : `hay ${i}`,
  });
  return {
    id: eventId('default', `f:${i}`, raw),
    time: T0 + i * 1000,
    ingested: T0 + i * 1000,
    source: { format: 'json', kind: 'file', name: 'f' },
    raw,
  };
}

const RULE = `title: needle in the hay
id: 0d5a1b52-3c7e-4b8e-9f3e-7a1c2b3d4e5f
status: test
logsource:
  product: azure
detection:
  sel:
    message|contains: needle
  condition: sel
level: high
`;

function playbook(): Playbook {
  const ext = { step_extensions: { [RESPOND_EXTENSION_ID]: { approval: 'auto' } } };
  const agent = id('individual', 1);
  const [s, hunt, open, obs, block, end] = [
    id('start', 1),
    id('action', 1),
    id('action', 2),
    id('action', 3),
    id('action', 4),
    id('end', 1),
  ];
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: id('playbook', 1),
    name: 'hunt, open a case, block',
    created_by: id('identity', 1),
    created: '2025-01-01T00:00:00.000Z',
    modified: '2025-01-01T00:00:00.000Z',
    workflow_start: s,
    workflow: {
      [s]: { type: 'start', on_completion: hunt },
      [hunt]: {
        type: 'action',
        commands: [{ type: 'sigma', command_b64: Buffer.from(RULE).toString('base64') }],
        agent,
        out_args: ['__hits__'],
        on_completion: open,
        ...ext,
      },
      [open]: {
        type: 'action',
        commands: [
          {
            type: 'intersoc',
            command: 'open-case',
            content: '{"title":"Needles found","description":"events __hits__:value"}',
          },
        ],
        agent,
        out_args: ['__case__'],
        on_completion: obs,
        ...ext,
      },
      [obs]: {
        type: 'action',
        commands: [
          {
            type: 'intersoc',
            command: 'add-observable',
            content: '{"case":"__case__:value","kind":"ip","value":"203.0.113.5","ioc":true}',
          },
        ],
        agent,
        on_completion: block,
        ...ext,
      },
      [block]: {
        type: 'action',
        commands: [
          {
            type: 'intersoc',
            command: 'block-indicator',
            content: `{"pattern":"[ipv4-addr:value = '203.0.113.5']","name":"attacker"}`,
          },
        ],
        agent,
        on_completion: end,
        ...ext,
      },
      [end]: { type: 'end' },
    },
    playbook_variables: { __hits__: { type: 'string', value: '' }, __case__: { type: 'string', value: '' } },
    agent_definitions: { [agent]: { type: 'individual', name: 'node' } },
    extension_definitions: { [RESPOND_EXTENSION_ID]: RESPOND_EXTENSION_DEFINITION },
  };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'respond-ports-'));
  const file = path.join(dir, EVENTS_DB_FILE);
  const writer = openEventWriter(file, createHydrator());
  const events = Array.from({ length: 300 }, (_, i) => ev(i));
  writer.write({
    blocks: [0, 1, 2].map((b) => encodeBlock('default', dayOf(T0), events.slice(b * 100, b * 100 + 100))),
    alerts: [],
    deadLetters: [],
  });
  writer.close();
  reader = openEventReader(file, createHydrator());
});

afterAll(() => {
  reader.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('node ports', () => {
  it('hunts with Sigma, opens a case with an observable, blocks an indicator, and the rollback revokes it', async () => {
    const db = openDatabase(path.join(dir, 'intersoc.db'));
    const cti = openSqliteCtiStore(db);
    const cases = new CaseService({ store: new SqliteCaseStore(db), incidents: new SqliteIncidentStore(db) });
    const rt = openRespond({ data: dir } as Config, db, { ports: nodePorts({ cti, cases, reader }) });
    const ctx: AuthContext = { ...systemContext('default'), user: 'alice', roles: ['analyst'] };
    rt.playbooks.add(ctx, playbook());
    const run = await rt.engine.startRun(ctx, { playbook: id('playbook', 1) });
    await rt.engine.idle();
    expect(rt.store.getRun(ctx, run.id)).toMatchObject({ status: 'succeeded' });
    const steps = rt.store.transitions(ctx, run.id).filter((t) => t.kind === 'step.finished');
    const hunt = steps.find((t) => t.kind === 'step.finished' && t.step === id('action', 1));
    expect(hunt?.kind === 'step.finished' && hunt.output?.['commands']).toEqual([
      { rule: 'needle in the hay', matches: 30 },
    ]);
    const found = cases.list(ctx, {}).items;
    expect(found.map((c) => c.title)).toEqual(['Needles found']);
    expect(cases.observables(ctx, found[0]?.id ?? '').map((o) => `${o.kind} ${o.value}`)).toEqual(['ip 203.0.113.5']);
    const indicators = cti.query(ctx, { types: ['indicator'] }).objects;
    expect(indicators.map((o) => o.object['pattern'])).toEqual(["[ipv4-addr:value = '203.0.113.5']"]);
    expect(indicators[0]?.revoked).toBe(false);

    const rb = await rt.engine.rollback({ ...ctx, user: 'bob' }, run.id);
    expect(rb.reverted.map((r) => [r.connector, r.ok])).toEqual([['detectors', true]]);
    const [latest] = cti.get(ctx, String(indicators[0]?.id), 'last');
    expect(latest?.revoked).toBe(true);
    await rt.engine.close();
    db.close();
  });
});
