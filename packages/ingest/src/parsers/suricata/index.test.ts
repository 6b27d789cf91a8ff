import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { suricataFormat } from './index.js';

const parse = (o: unknown) => (suricataFormat.open?.({}) ?? expect.unreachable()).parse(JSON.stringify(o));

const BASE = {
  timestamp: '2017-05-18T14:54:39.041553+0000',
  flow_id: 1234,
  in_iface: 'eth0',
  src_ip: '192.168.1.10',
  src_port: 51000,
  dest_ip: '93.184.216.34',
  dest_port: 8080,
  proto: 'TCP',
  host: 'sensor1',
};

describe('suricata: EVE JSON', () => {
  it('maps alerts: 5-tuple, signature, severity, category', () => {
    const r = parse({
      ...BASE,
      event_type: 'alert',
      alert: { action: 'allowed', signature_id: 2010935, signature: 'ET POLICY x', category: 'Policy', severity: 2 },
    });
    expect(r.ok === true && r.value.ecs).toMatchObject({
      'event.action': 'alert',
      'event.category': 'intrusion_detection',
      'source.ip': '192.168.1.10',
      'source.port': 51000,
      'destination.ip': '93.184.216.34',
      'destination.port': 8080,
      'network.transport': 'tcp',
      'rule.name': 'ET POLICY x',
      'event.severity': 2,
      'host.name': 'sensor1',
    });
    expect(r.ok === true && r.value.fields['alert.signature_id']).toBe(2010935);
    expect(r.ok === true && r.value.time).toBe(Date.parse('2017-05-18T14:54:39.041Z'));
  });

  it('maps flow bytes and duration, DNS, HTTP and fileinfo', () => {
    const flow = parse({
      ...BASE,
      event_type: 'flow',
      flow: {
        bytes_toserver: 100,
        bytes_toclient: 2000,
        start: '2017-05-18T14:54:39.000000+0000',
        end: '2017-05-18T14:54:41.500000+0000',
      },
    });
    expect(flow.ok === true && flow.value.ecs).toMatchObject({
      'event.category': 'network',
      'source.bytes': 100,
      'destination.bytes': 2000,
      'event.duration': 2.5e9,
    });
    const dns = parse({ ...BASE, event_type: 'dns', dns: { type: 'query', rrname: 'evil.test', rrtype: 'A' } });
    expect(dns.ok === true && dns.value.ecs['dns.question.name']).toBe('evil.test');
    const dns2 = parse({ ...BASE, event_type: 'dns', dns: { version: 2, queries: [{ rrname: 'v2.test' }] } });
    expect(dns2.ok === true && dns2.value.ecs['dns.question.name']).toBe('v2.test');
    const http = parse({
      ...BASE,
      event_type: 'http',
      http: { hostname: 'x.test', url: '/a?b=1', http_method: 'POST', status: 200, http_user_agent: 'curl/8' },
    });
    expect(http.ok === true && http.value.ecs).toMatchObject({
      'url.full': 'http://x.test:8080/a?b=1',
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'user_agent.original': 'curl/8',
      'event.category': 'web',
    });
    const file = parse({
      ...BASE,
      event_type: 'fileinfo',
      fileinfo: { filename: '/a.exe', md5: 'abc', sha256: 'def' },
    });
    expect(file.ok === true && file.value.ecs).toMatchObject({
      'file.path': '/a.exe',
      'file.hash.md5': 'abc',
      'file.hash.sha256': 'def',
      'event.category': 'file',
    });
  });

  it('rejects records without event_type and survives hostile input', () => {
    const r = parse({ timestamp: 'x' });
    expect(r).toEqual({ ok: false, reason: 'suricata: no event_type' });
    expect(checkHostile(suricataFormat, JSON.stringify({ ...BASE, event_type: 'flow' }))).toEqual([]);
  });

  it('detects EVE lines', () => {
    expect(suricataFormat.detect(JSON.stringify({ ...BASE, event_type: 'alert' }))).toBeGreaterThan(0.9);
    expect(suricataFormat.detect('{"a":1}')).toBe(0);
  });
});
