import { describe, expect, it } from 'vitest';
import { systemContext, type Alert, type SocEvent } from '@intersoc/core';
import { openDatabase, openEventReader } from '@intersoc/storage';
import { createHydrator } from '../../pipeline/hydrator.js';
import { commandTargets, enrichAlert } from './enrich.js';
import { IncidentStage } from './stage.js';

const T0 = Date.UTC(2025, 2, 4, 9);
const MIN = 60_000;
let n = 0;

function alert(time: number, entities: Alert['entities'], rule = 'r1'): Alert {
  n++;
  return {
    id: `al-${n}`,
    tenant: 't1',
    created: time,
    time,
    detector: { kind: 'sigma', ruleId: rule, ruleTitle: `Rule ${rule}` },
    severity: 'high',
    tactics: ['execution'],
    techniques: ['T1059'],
    entities,
    eventIds: [],
    summary: 'x',
  };
}

function fixture() {
  const db = openDatabase(':memory:');
  const reader = openEventReader(':memory:', createHydrator());
  const put = reader.db.prepare(
    'INSERT INTO alerts (id, tenant, time, created, severity, rule_id, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const commit = (...alerts: Alert[]): void => {
    for (const a of alerts)
      put.run(a.id, a.tenant, a.time, a.created, a.severity, a.detector.ruleId, JSON.stringify(a));
  };
  return { db, reader, commit };
}

const ctx = systemContext('t1');

describe('IncidentStage', () => {
  it('takes committed alerts once, in commit order, and restores open windows after a restart', () => {
    const { db, reader, commit } = fixture();
    const first = new IncidentStage({ db, reader });
    commit(
      alert(T0, [
        { type: 'host', value: 'A' },
        { type: 'user', value: 'u' },
      ]),
    );
    expect(first.catchUp()).toBe(1);
    expect(first.catchUp()).toBe(0);
    first.close();
    // A new stage (a restarted node) links the next alert of the same story to the same incident.
    const second = new IncidentStage({ db, reader });
    commit(
      alert(T0 + MIN, [
        { type: 'host', value: 'A' },
        { type: 'user', value: 'u' },
      ]),
    );
    expect(second.catchUp()).toBe(1);
    const list = second.incidents.list(ctx).items;
    expect(list).toHaveLength(1);
    expect(list[0]?.alertCount).toBe(2);
  });

  it('lets only one of two processes take a batch', () => {
    const { db, reader, commit } = fixture();
    const a = new IncidentStage({ db, reader });
    const b = new IncidentStage({ db, reader });
    commit(
      alert(T0, [
        { type: 'host', value: 'A' },
        { type: 'user', value: 'u' },
      ]),
    );
    expect(a.catchUp()).toBe(1);
    // b read the same rows, but the mark moved: it writes nothing.
    b.catchUp();
    const inc = a.incidents.list(ctx).items[0];
    expect(inc?.alertCount).toBe(1);
    expect(a.incidents.alerts(ctx, inc?.id ?? '')).toHaveLength(1);
  });

  it('splits an incident and keeps building both halves', () => {
    const { db, reader, commit } = fixture();
    const stage = new IncidentStage({ db, reader });
    const x = alert(
      T0,
      [
        { type: 'host', value: 'A' },
        { type: 'user', value: 'u' },
      ],
      'ra',
    );
    const y = alert(
      T0 + MIN,
      [
        { type: 'host', value: 'A' },
        { type: 'user', value: 'u' },
        { type: 'domain', value: 'evil.example' },
      ],
      'rb',
    );
    commit(x, y);
    stage.catchUp();
    const id = stage.incidents.list(ctx).items[0]?.id ?? '';
    const { kept, split } = stage.split(ctx, id, [y.id]);
    expect(kept.alertCount).toBe(1);
    expect(split.alertCount).toBe(1);
    expect(split.rules.map((r) => r.ruleId)).toEqual(['rb']);
    expect(() => stage.split(ctx, id, [x.id])).toThrow(/at least one alert/);
    // An alert naming only the domain follows the half that holds it.
    commit(
      alert(
        T0 + 2 * MIN,
        [
          { type: 'host', value: 'B' },
          { type: 'user', value: 'v' },
          { type: 'domain', value: 'evil.example' },
        ],
        'rc',
      ),
    );
    stage.catchUp();
    expect(stage.incidents.get(ctx, split.id)?.alertCount).toBe(2);
    expect(stage.incidents.get(ctx, id)?.alertCount).toBe(1);
  });
});

describe('alert enrichment', () => {
  it('finds remote targets and the account used on a command line', () => {
    expect(commandTargets('wmic /node:10.1.2.3 /user:CORP\\adm-x /password:p process call create "x"')).toEqual([
      { type: 'ip', value: '10.1.2.3', role: 'target' },
      { type: 'user', value: 'CORP\\adm-x', role: 'target' },
    ]);
    expect(commandTargets('PsExec64.exe -accepteula \\\\DC-01 -u CORP\\adm-y -p x -s cmd.exe')).toEqual([
      { type: 'host', value: 'DC-01', role: 'target' },
      { type: 'user', value: 'CORP\\adm-y', role: 'target' },
    ]);
    expect(commandTargets('Invoke-Command -ComputerName fs-01 -ScriptBlock {}')).toEqual([
      { type: 'host', value: 'fs-01', role: 'target' },
    ]);
    expect(commandTargets('whoami /all')).toEqual([]);
  });

  it('fills in the host from the event only when the alert names none', () => {
    let fetched = 0;
    const event = {
      id: 'e1',
      source: { format: 'auditd', kind: 'file', name: 'x', peer: 'web-01' },
      fields: {},
      ecs: {},
    } as unknown as SocEvent;
    const fetch = (): SocEvent => {
      fetched++;
      return event;
    };
    const bare = { ...alert(T0, []), eventIds: ['e1'] };
    expect(enrichAlert(bare, fetch).entities).toEqual([{ type: 'host', value: 'web-01' }]);
    const withHost = { ...alert(T0, [{ type: 'host', value: 'A' }]), eventIds: ['e1'] };
    expect(enrichAlert(withHost, fetch)).toBe(withHost);
    expect(fetched).toBe(1);
    // A network sensor's name is not the host the alert is about.
    const zeek = { ...event, source: { format: 'zeek', kind: 'file', name: 'conn', peer: 'nsm-01' } } as SocEvent;
    expect(enrichAlert(bare, () => zeek).entities).toEqual([]);
  });
});
