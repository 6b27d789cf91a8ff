import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scoId, validateStix } from '@intersoc/cti';
import { testIndicator } from '../internal/testing.js';
import { InternalScope } from './classify.js';
import { DEFAULT_PRIVACY_POLICY, Minimiser } from './minimise.js';
import { Pseudonymiser } from './pseudonymise.js';

const key = Buffer.alloc(32, 1);
const p = new Pseudonymiser(key, 'energy');
const m = new Minimiser(DEFAULT_PRIVACY_POLICY, p);

const ip = (v: string) => ({ type: 'ipv4-addr', spec_version: '2.1', id: scoId('ipv4-addr', { value: v }), value: v });
const host = (v: string) => ({
  type: 'domain-name',
  spec_version: '2.1',
  id: scoId('domain-name', { value: v }),
  value: v,
});
const user = (login: string) => ({
  type: 'user-account',
  spec_version: '2.1',
  id: scoId('user-account', { account_login: login }),
  account_login: login,
  display_name: 'Alice Martin',
  credential: 'hunter2',
});
const email = (v: string) => ({
  type: 'email-addr',
  spec_version: '2.1',
  id: scoId('email-addr', { value: v }),
  value: v,
});

describe('internal scope', () => {
  const s = new InternalScope();
  it('recognises internal addresses and host names', () => {
    expect(
      ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', 'fd00::1', 'fe80::1'].map((v) => s.isInternalIp(v)),
    ).toEqual([true, true, true, true, true, true]);
    expect(['8.8.8.8', '198.51.100.7', '2001:db8::1'].some((v) => s.isInternalIp(v))).toBe(false);
    expect(['ws-042', 'dc01.corp', 'nas.home.arpa', 'srv.intranet'].every((v) => s.isInternalHost(v))).toBe(true);
    expect(['evil.example', 'www.google.com', '10.0.0.1'].some((v) => s.isInternalHost(v))).toBe(false);
  });
});

describe('pseudonyms', () => {
  it('are deterministic per community key, type-valid, and differ across keys', () => {
    const a = p.pseudonym('internal-ip', '10.0.0.5');
    expect(a).toBe(p.pseudonym('internal-ip', '10.0.0.5'));
    expect(a).toMatch(/^fd1e:/);
    expect(a).not.toBe(new Pseudonymiser(Buffer.alloc(32, 2), 'x').pseudonym('internal-ip', '10.0.0.5'));
    expect(p.pseudonym('hostname', 'WS-1.corp')).toBe(p.pseudonym('hostname', 'ws-1.corp.'));
    expect(p.pseudonym('email', 'a@b.example')).toMatch(/^[0-9a-f]{24}@pseudonym\.invalid$/);
  });

  it('are HMAC-SHA256 under the community key, so every member derives the same ones', () => {
    for (const k of [Buffer.alloc(16, 3), Buffer.alloc(32, 4), Buffer.alloc(64, 5), Buffer.alloc(100, 6)]) {
      const mac = createHmac('sha256', k).update('username\0alice').digest('hex');
      expect(new Pseudonymiser(k, 'x').pseudonym('username', 'alice')).toBe(`ps-${mac.slice(0, 24)}`);
    }
  });
});

describe('minimisation', () => {
  it('pseudonymises internal observables, keeps public ones, and rewrites references', () => {
    const traffic = {
      type: 'network-traffic',
      spec_version: '2.1',
      id: 'network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d',
      src_ref: ip('10.0.0.5').id,
      dst_ref: ip('198.51.100.7').id,
      protocols: ['tcp'],
    };
    const observed = {
      type: 'observed-data',
      spec_version: '2.1',
      id: 'observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf',
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      first_observed: '2024-01-01T00:00:00Z',
      last_observed: '2024-01-01T00:00:00Z',
      number_observed: 1,
      object_refs: [ip('10.0.0.5').id, ip('198.51.100.7').id, traffic.id, user('alice').id, host('ws-1.corp').id],
    };
    const r = m.minimise([ip('10.0.0.5'), ip('198.51.100.7'), traffic, user('alice'), host('ws-1.corp'), observed]);
    expect(r.withheld).toEqual([]);
    const text = JSON.stringify(r.objects);
    for (const secret of ['10.0.0.5', 'alice', 'Alice Martin', 'hunter2', 'ws-1.corp'])
      expect(text).not.toContain(secret);
    expect(text).toContain('198.51.100.7');
    const nt = r.objects.find((o) => o['type'] === 'network-traffic')!;
    const pseudIp = r.objects.find((o) => String(o['value']).startsWith('fd1e:'))!;
    expect(nt['src_ref']).toBe(pseudIp['id']);
    const od = r.objects.find((o) => o['type'] === 'observed-data')!;
    expect(new Set(od['object_refs'] as string[])).toEqual(
      new Set(r.objects.filter((o) => o['type'] !== 'observed-data').map((o) => o['id'])),
    );
    expect(validateStix(r.objects).errors).toEqual([]);
  });

  it('removes instead when the policy says so or no community key exists', () => {
    const strict = new Minimiser({ ...DEFAULT_PRIVACY_POLICY, fields: { 'email-addr.value': 'remove' } }, p);
    expect(strict.minimise([email('bob@corp.example')]).withheld).toEqual([
      { id: email('bob@corp.example').id, reason: 'email address removed' },
    ]);
    const keyless = new Minimiser(DEFAULT_PRIVACY_POLICY);
    const r = keyless.minimise([ip('192.168.1.1'), user('bob')]);
    expect(r.objects).toEqual([]);
    expect(r.withheld.length).toBe(2);
  });

  it('strips internal properties from sightings and pseudonymises their context', () => {
    const s = {
      type: 'sighting',
      spec_version: '2.1',
      id: 'sighting--3d5b3c1e-8f43-4a49-9a47-6f1d3c2b1a00',
      created: '2024-01-01T00:00:00.000Z',
      modified: '2024-01-01T00:00:00.000Z',
      sighting_of_ref: testIndicator(1)['id'],
      count: 3,
      description: 'seen on ws-7.corp from 10.9.9.9, reported by carol@bank.example',
      x_intersoc_event_ids: ['e1', 'e2'],
      x_intersoc_context: [
        { type: 'host', value: 'ws-7.corp', role: 'host' },
        { type: 'user', value: 'carol', role: 'actor' },
        { type: 'ip', value: '198.51.100.7', role: 'destination' },
      ],
    };
    const [out] = m.minimise([s]).objects;
    const text = JSON.stringify(out);
    for (const secret of ['ws-7.corp', '10.9.9.9', 'carol', 'e1']) expect(text).not.toContain(secret);
    expect(text).toContain('198.51.100.7');
    expect(out?.['count']).toBe(3);
  });

  it('lets indicators through but withholds those that name an internal address', () => {
    const r = m.minimise([testIndicator(1), testIndicator(2, { pattern: "[ipv4-addr:value = '10.0.0.0/8']" })]);
    expect(r.objects.map((o) => o['id'])).toEqual([testIndicator(1)['id']]);
    expect(r.withheld[0]?.reason).toMatch(/internal address/);
  });
});
