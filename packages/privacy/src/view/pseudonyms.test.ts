import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '@intersoc/core';
import { Inventory } from '../inventory/inventory.js';
import { PseudonymView, TenantPseudonyms } from './pseudonyms.js';

const inventory = Inventory.of(ConfigSchema.parse({}), 'default');
const key = new Uint8Array(32).fill(3);

const event = {
  id: 'e1',
  raw: '{"TargetUserName":"kschmidt","Message":"Logon of CORP\\\\kschmidt from WKS-04"}',
  ecs: {
    'user.name': 'kschmidt',
    'user.domain': 'CORP',
    'host.name': 'WKS-04.corp.example.com',
    'source.ip': '10.10.20.232',
    'destination.ip': '203.0.113.7',
    'process.command_line': 'C:\\Users\\jdoe\\AppData\\evil.exe',
  },
  fields: { TargetUserName: 'kschmidt', Message: 'Logon of CORP\\kschmidt from WKS-04' },
};

describe('the inventory', () => {
  it('finds account names, workstations, internal addresses and profile owners, not servers or public addresses', () => {
    const found = inventory.valuesOfRecord(event.ecs, event.fields).map((v) => `${v.kind}:${v.value}`);
    expect(found).toEqual(expect.arrayContaining(['user:kschmidt', 'host:WKS-04', 'ip:10.10.20.232', 'user:jdoe']));
    expect(found.some((f) => f.includes('CORP') && f.startsWith('user:CORP'))).toBe(false);
    expect(found.some((f) => f.includes('203.0.113.7'))).toBe(false);
    expect(inventory.valuesOf('host.name', 'web-01')).toEqual([]);
    expect(inventory.valuesOf('user.name', 'SYSTEM')).toEqual([]);
    expect(inventory.valuesOf('user.name', 'fvarga@CORP.EXAMPLE.COM').map((v) => v.value)).toContain('fvarga');
  });

  it('takes tenant extensions', () => {
    const cfg = ConfigSchema.parse({
      privacy: { tenants: { hr: { extraFields: [{ field: 'badge', kind: 'user' }] } } },
    });
    expect(Inventory.of(cfg, 'hr').valuesOf('badge', 'B-1234')).toHaveLength(1);
    expect(Inventory.of(cfg, 'default').valuesOf('badge', 'B-1234')).toHaveLength(0);
  });
});

describe('pseudonymised views', () => {
  const view = new PseudonymView(inventory, new TenantPseudonyms(key, 'default'));

  it('replaces every personal value, in fields and free text, with one pseudonym per value', () => {
    const { value, used } = view.apply(event);
    const text = JSON.stringify(value);
    expect(text).not.toMatch(/kschmidt|jdoe|WKS-04|10\.10\.20\.232/i);
    expect(text).toContain('203.0.113.7');
    const p = value.ecs['user.name'];
    expect(p).toMatch(/^user-[0-9a-f]{8}$/);
    expect(value.fields.TargetUserName).toBe(p);
    expect(value.fields.Message).toContain(`CORP\\${p}`);
    expect(value.ecs['host.name']).toMatch(/^host-[0-9a-f]{8}\.corp\.example\.com$/);
    expect(used.map((u) => u.value).sort()).toEqual(['10.10.20.232', 'WKS-04', 'jdoe', 'kschmidt']);
  });

  it('gives the same value the same pseudonym; another tenant key gives another', () => {
    const a = view.apply({ users: ['KSchmidt'] }).value.users[0];
    const b = view.apply(event).value.ecs['user.name'];
    expect(a).toBe(b);
    const other = new PseudonymView(inventory, new TenantPseudonyms(new Uint8Array(32).fill(4), 'acme'));
    expect(other.apply({ users: ['kschmidt'] }).value.users[0]).not.toBe(a);
  });

  it('covers alert entities and incident lists', () => {
    const alert = {
      entities: [
        { type: 'user', value: 'CORP\\kschmidt' },
        { type: 'host', value: 'WKS-04' },
        { type: 'ip', value: '198.51.100.9' },
      ],
      summary: 'Brute force of kschmidt on WKS-04 from 198.51.100.9',
    };
    const text = JSON.stringify(view.apply(alert).value);
    expect(text).not.toMatch(/kschmidt|WKS-04/i);
    expect(text).toContain('198.51.100.9');
  });
});

describe('shapes the view does not know by key', () => {
  const view = new PseudonymView(inventory, new TenantPseudonyms(key, 'default'));

  it('covers process-tree nodes, entity pages and intel matches', () => {
    const tree = {
      host: 'WKS-04',
      process: {
        key: 'pid:1',
        executable: 'C:\\Windows\\System32\\cmd.exe',
        commandLine: 'cmd.exe /c type C:\\Users\\jdoe\\secret.txt',
        user: 'CORP\\kschmidt',
      },
      parents: [{ key: 'pid:0', commandLine: 'explorer.exe', user: 'mmeyer' }],
    };
    const t = JSON.stringify(view.apply(tree).value);
    expect(t).not.toMatch(/kschmidt|jdoe|mmeyer|WKS-04/i);
    const page = { kind: 'user', name: 'kschmidt', query: 'user:kschmidt', asset: { kind: 'host', name: 'wks-04' } };
    expect(JSON.stringify(view.apply(page).value)).not.toMatch(/kschmidt|wks-04/i);
    const alert = { intel: [{ type: 'ip', value: '10.1.2.3', source: 'misp' }], title: 'C2 from 10.1.2.3' };
    expect(JSON.stringify(view.apply(alert).value)).not.toContain('10.1.2.3');
  });

  it('replaces values the node knows wherever they occur, and reports only those it replaced', () => {
    const known = [
      { field: 'known', kind: 'user' as const, value: 'Anna Nowak' },
      { field: 'known', kind: 'user' as const, value: 'Nowak, Anna' },
      { field: 'known', kind: 'user' as const, value: 'zkowalsk' },
    ];
    const answer = { title: 'Anna Nowak reported phishing', note: 'Nowak, Anna called; zkowalska is someone else' };
    const { value, used } = view.apply(answer, known);
    expect(JSON.stringify(value)).not.toMatch(/Anna|Nowak/);
    expect(value.note).toContain('zkowalska');
    expect(used.map((u) => u.value).sort()).toEqual(['Anna Nowak', 'Nowak, Anna']);
    // The two spellings of one person get pseudonyms of the same kind.
    expect(value.title).toMatch(/^user-[0-9a-f]{8} reported phishing$/);
  });
});
