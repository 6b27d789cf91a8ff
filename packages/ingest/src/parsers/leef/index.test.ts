import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { leefFormat, parseLeef } from './index.js';

const LEEF1 =
  'LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|src=192.0.2.0\tdst=172.50.123.1\tsev=5\tcat=anomaly\t' +
  'srcPort=81\tdstPort=21\tusrName=joe.black\tdevTime=Jun 14 2024 08:00:01\tproto=6';

describe('leef: 1.0 and 2.0', () => {
  it('parses LEEF 1.0 tab-delimited attributes and maps them to ECS', () => {
    const r = parseLeef(LEEF1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.fields).toMatchObject({
      'leef.version': '1.0',
      'leef.vendor': 'Microsoft',
      'leef.product': 'MSExchange',
      'leef.product_version': '4.0 SP1',
      'leef.event_id': '15345',
      src: '192.0.2.0',
      cat: 'anomaly',
    });
    expect(r.value.ecs).toMatchObject({
      'source.ip': '192.0.2.0',
      'destination.ip': '172.50.123.1',
      'source.port': 81,
      'destination.port': 21,
      'user.name': 'joe.black',
      'event.severity': 5,
      'network.transport': 'tcp',
      'event.code': '15345',
    });
    expect(r.value.time).toBe(Date.UTC(2024, 5, 14, 8, 0, 1));
  });

  it('parses LEEF 2.0 with a character delimiter, a hex delimiter, and none', () => {
    const caret = parseLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^name=x y');
    expect(caret.ok && caret.value.fields).toMatchObject({
      src: '10.0.1.8',
      dst: '10.0.0.5',
      name: 'x y',
      'leef.delimiter': '^',
    });
    const hex = parseLeef('LEEF:2.0|V|P|1|41|x09|src=10.0.1.8\tdst=10.0.0.5');
    expect(hex.ok && hex.value.ecs).toMatchObject({ 'source.ip': '10.0.1.8', 'destination.ip': '10.0.0.5' });
    const hex0x = parseLeef('LEEF:2.0|V|P|1|41|0x7C|src=1.1.1.1|dst=2.2.2.2');
    expect(hex0x.ok && hex0x.value.fields).toMatchObject({ src: '1.1.1.1', dst: '2.2.2.2' });
    const none = parseLeef('LEEF:2.0|V|P|1|41|src=1.1.1.1\tdst=2.2.2.2');
    expect(none.ok && none.value.fields).toMatchObject({ src: '1.1.1.1', dst: '2.2.2.2' });
  });

  it('parses LEEF inside syslog and rejects broken headers', () => {
    const r = parseLeef('<13>Jun 14 08:00:01 qradar LEEF:1.0|V|P|1|7|src=1.1.1.1', Date.UTC(2024, 6, 1));
    expect(r.ok && r.value.fields).toMatchObject({ 'log.syslog.hostname': 'qradar', src: '1.1.1.1' });
    expect(parseLeef('LEEF:1.0|V|P')).toEqual({ ok: false, reason: 'leef: header has 3 of 5 fields' });
    expect(parseLeef('LEEF:3.0|V|P|1|7|a=b')).toEqual({ ok: false, reason: 'leef: unsupported version "3.0"' });
    expect(parseLeef('LEEF:2.0|V|P|1|7|xZZ|a=b')).toEqual({ ok: false, reason: 'leef: bad delimiter "xZZ"' });
  });

  it('survives hostile input and detects LEEF', () => {
    expect(checkHostile(leefFormat, LEEF1)).toEqual([]);
    expect(leefFormat.detect(LEEF1)).toBe(1);
    expect(leefFormat.detect('<13>Jun 14 08:00:01 q LEEF:1.0|V|P|1|7|a=b')).toBe(0.9);
    expect(leefFormat.detect('CEF:0|a')).toBe(0);
  });
});
