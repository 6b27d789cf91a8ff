import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { jsonFormat, parseJsonObject, parseJsonValue } from './index.js';

const parser = () => jsonFormat.open?.({}) ?? expect.unreachable();

describe('json: generic objects', () => {
  it('flattens nested objects to dotted keys and keeps arrays of scalars', () => {
    const r = parseJsonObject({ a: { b: 1, c: [1, 'x', null] }, d: [{ e: true }], f: null });
    expect(r.ok && r.value.fields).toEqual({ 'a.b': 1, 'a.c': [1, 'x', null], 'd.0.e': true, f: null });
  });

  it('passes ECS-shaped JSON through to the projection', () => {
    const r = parseJsonObject({
      '@timestamp': '2024-05-01T10:00:00Z',
      host: { name: 'web1' },
      source: { ip: '10.0.0.1', port: 4444 },
      destination: { ip: '10.0.0.2', port: '443' },
      process: { command_line: 'curl x', pid: 12 },
      event: { code: 4624, outcome: 'success' },
      url: { full: 'https://x.test/a' },
    });
    expect(r.ok && r.value.ecs).toEqual({
      'host.name': 'web1',
      'source.ip': '10.0.0.1',
      'source.port': 4444,
      'destination.ip': '10.0.0.2',
      'destination.port': 443,
      'process.command_line': 'curl x',
      'process.pid': 12,
      'event.code': 4624,
      'event.outcome': 'success',
      'url.full': 'https://x.test/a',
    });
    expect(r.ok && r.value.time).toBe(Date.parse('2024-05-01T10:00:00Z'));
  });

  it('projects common field names in several spellings', () => {
    const r = parseJsonObject({
      hostname: 'h1',
      srcIp: '1.1.1.1',
      SrcPort: '53',
      dst_ip: '2.2.2.2',
      DST_PORT: 80,
      proto: 'TCP',
      username: 'alice',
      cmdline: 'ls -la',
      status: 404,
      method: 'GET',
      msg: 'hello',
      ts: 1700000000.5,
    });
    expect(r.ok && r.value.ecs).toMatchObject({
      'host.name': 'h1',
      'source.ip': '1.1.1.1',
      'source.port': 53,
      'destination.ip': '2.2.2.2',
      'destination.port': 80,
      'network.transport': 'tcp',
      'user.name': 'alice',
      'process.command_line': 'ls -la',
      'http.response.status_code': 404,
      'http.request.method': 'GET',
      message: 'hello',
    });
    expect(r.ok && r.value.time).toBe(1700000000500);
  });

  it('keeps only plausible values: ports, status codes, outcomes', () => {
    const r = parseJsonObject({ src_port: 99999, status: 'ok', outcome: 'maybe', pid: -3 });
    expect(r.ok && r.value.ecs).toEqual({});
  });

  it('reads a ground-truth label of simulator records', () => {
    expect(parseJsonObject({ label: 'T1003.001' }).ok && parseJsonObject({ label: 'T1003.001' })).toMatchObject({
      value: { label: 'T1003.001' },
    });
    const benign = parseJsonObject({ label: 'benign' });
    expect(benign.ok && benign.value.label).toBe('benign');
    const other = parseJsonObject({ label: 'DDoS' });
    expect(other.ok && other.value.label).toBeUndefined();
  });
});

describe('json: hand-off to specific JSON formats', () => {
  it('routes Windows, Suricata and Zeek records to their parsers', () => {
    const win = parseJsonValue({ EventID: 4624, Channel: 'security', Hostname: 'dc' });
    expect(win.ok && win.value.fields).toMatchObject({ Channel: 'Security', Computer: 'dc' });
    const eve = parseJsonValue({ timestamp: '2024-01-01T00:00:00.000000+0000', event_type: 'dns', src_ip: '1.2.3.4' });
    expect(eve.ok && eve.value.ecs['event.action']).toBe('dns');
    const zeek = parseJsonValue({ ts: 1.5, uid: 'C1', 'id.orig_h': '10.0.0.1', _path: 'conn' });
    expect(zeek.ok && zeek.value.ecs['source.ip']).toBe('10.0.0.1');
  });

  it('rejects values that are not objects, with the kind in the reason', () => {
    expect(parseJsonValue([1])).toEqual({ ok: false, reason: 'json: record is an array, not an object' });
    expect(parseJsonValue(42)).toEqual({ ok: false, reason: 'json: record is a number, not an object' });
    expect(parseJsonValue(null)).toEqual({ ok: false, reason: 'json: record is null, not an object' });
  });
});

describe('json: plug-in', () => {
  it('parses framed records, skips blanks, rejects bad JSON with a reason', () => {
    const p = parser();
    expect(p.parse('')).toEqual({ ok: 'skip' });
    const bad = p.parse('{"a":');
    expect(bad.ok === false && bad.reason).toMatch(/^json: invalid JSON: /);
    expect(p.parse('{"a":1}').ok).toBe(true);
  });

  it('survives hostile input and keeps parsing', () => {
    expect(checkHostile(jsonFormat, '{"user":"bob","src_ip":"10.1.1.1","ts":1700000000}')).toEqual([]);
  });

  it('keeps __proto__ as a field without touching prototypes', () => {
    const r = parser().parse('{"__proto__":[1,2],"a":{"__proto__":{"x":1}}}');
    expect(r.ok === true && Object.keys(r.value.fields).sort()).toEqual(['__proto__', 'a.__proto__.x']);
    expect(r.ok === true && r.value.fields['__proto__']).toEqual([1, 2]);
  });

  it('detects JSON with a low score so specific JSON formats win', () => {
    expect(jsonFormat.detect('{"a":1}\n')).toBe(0.5);
    expect(jsonFormat.detect('[\n  {\n "a": 1}]')).toBe(0.5);
    expect(jsonFormat.detect('hello')).toBe(0);
  });
});
