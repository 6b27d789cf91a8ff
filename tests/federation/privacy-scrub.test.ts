/**
 * Free text scrubbed before it leaves (issue 20), between two real nodes (separate processes): a
 * threat report full of personal data, an indicator and a note about it are shared from one SOC
 * to its peer. The report and the indicator arrive; no e-mail address, internal address, profile
 * path, account name, person's name or workstation name of the sender's inventory arrives with them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, importObjects, indicator, link, startNode, stopAll, syncRounds, TLP, type NodeProc } from './harness.js';

let a: NodeProc;
let b: NodeProc;

const now = new Date().toISOString();
const IND = indicator(0x2001, '198.51.100.77', {
  object_marking_refs: [TLP.clear],
  name: 'C2 of the intrusion',
  description: 'Beaconing from LT-0042 (10.20.30.40) while mkowalski was logged on.',
});
const REPORT = {
  type: 'report',
  spec_version: '2.1',
  id: 'report--6f1c1e4e-1d1a-4c59-9d8b-9b7e1d3c2a01',
  created: now,
  modified: now,
  published: now,
  name: 'Intrusion at the finance department',
  report_types: ['threat-report'],
  object_refs: [IND['id']],
  object_marking_refs: [TLP.clear],
  description: [
    'On Monday Marek Kowalski, account mkowalski (CORP\\mkowalski), opened a phishing attachment sent to',
    'm.kowalski@finance-corp.eu and anna.nowak@finance-corp.eu. The dropper ran from',
    'C:\\Users\\mkowalski\\AppData\\Local\\Temp\\inv.exe on LT-0042.corp.local (10.20.30.40),',
    'then copied /home/mkowalski/.ssh/id_rsa from srv-build.corp.local (192.168.7.12).',
    'The C2 server is 198.51.100.77.',
  ].join(' '),
};
const NOTE = {
  type: 'note',
  spec_version: '2.1',
  id: 'note--6f1c1e4e-1d1a-4c59-9d8b-9b7e1d3c2a02',
  created: now,
  modified: now,
  abstract: 'Follow-up with mkowalski',
  content: 'Called Kowalski, Marek (mkowalski) at his desk (LT-0042); he confirmed opening the attachment.',
  object_refs: [REPORT.id],
  object_marking_refs: [TLP.clear],
};
const PERSONAL = [
  /Marek/i,
  /mkowalski/i,
  /kowalski@/i,
  /anna\.nowak/i,
  /lt-0042/i,
  /10\.20\.30\.40/,
  /192\.168\.7\.12/,
  /srv-build\.corp\.local/i,
  /users\\+mkowalski/i,
];

beforeAll(async () => {
  [a, b] = await Promise.all([
    startNode('scrub-a', { sector: 'financial-services', country: 'PL', communities: ['eu'] }),
    startNode('scrub-b', { sector: 'government-national', country: 'PL', communities: ['eu'] }),
  ]);
  await link(a, b);
  // The sender's inventory knows the account and the workstation (no pattern would: they look public).
  const put = await api(a, '/api/assets', {
    method: 'PUT',
    body: {
      assets: [
        // The identity inventory names the person: their name in prose is known too.
        {
          kind: 'user',
          name: 'mkowalski',
          aliases: ['CORP\\mkowalski'],
          owner: 'Marek Kowalski',
          criticality: 'medium',
        },
        { kind: 'host', name: 'LT-0042', role: 'workstation', ips: ['10.20.30.40'], criticality: 'medium' },
      ],
    },
  });
  expect(put.status).toBe(200);
}, 240_000);

afterAll(async () => {
  await stopAll([a, b]);
});

describe('free text before sharing', () => {
  it('delivers the report and the indicator with nothing personal in them', async () => {
    await importObjects(a, [IND, REPORT, NOTE]);
    const r = await api<{ withheld?: unknown[] }>(a, '/api/federation/share', {
      method: 'POST',
      body: { ids: [IND['id'], REPORT.id, NOTE.id], distribution: 'all' },
    });
    expect(r.status).toBe(200);
    await syncRounds([a, b], 3);
    const got: string[] = [];
    for (const id of [IND['id'] as string, REPORT.id, NOTE.id]) {
      const o = await api(b, `/api/intel/objects/${id}`);
      if (o.status === 200) got.push(JSON.stringify(o.body));
    }
    // The report and the indicator arrive (the scrubbing must not simply drop them).
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got.join('\n')).toContain('198.51.100.77');
    expect(got.join('\n')).toContain('Intrusion at the finance department');
    for (const text of got) for (const p of PERSONAL) expect(text, String(p)).not.toMatch(p);
    // And nothing personal anywhere the peer holds.
    const all = await api(b, '/api/intel/objects?limit=1000');
    for (const p of PERSONAL) expect(JSON.stringify(all.body), String(p)).not.toMatch(p);
  }, 120_000);
});
