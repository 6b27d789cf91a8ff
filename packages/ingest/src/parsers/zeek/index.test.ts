import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { openZeek, zeekFormat } from './index.js';

const HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#open\t2016-06-24-11-48-43',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tlocal_orig\ttunnel_parents\thistory',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tbool\tset[string]\tstring',
];
const ROW = '1093521953.490353\tCaSS\t10.0.0.57\t2579\t10.0.0.8\t502\ttcp\t-\t23.256631\t24\t0\tT\ta,b\tSh\\x09AD';

function feed(lines: string[], name?: string) {
  const p = openZeek(name === undefined ? {} : { name });
  return lines.map((l) => p.parse(l));
}

describe('zeek: TSV', () => {
  it('applies headers, types values, drops unset fields and decodes escapes', () => {
    const results = feed([...HEADER, ROW, '#close\t2016-06-24-11-48-43']);
    expect(results.slice(0, HEADER.length).every((r) => r.ok === 'skip')).toBe(true);
    const r = results[HEADER.length];
    expect(r?.ok).toBe(true);
    if (r?.ok !== true) return;
    expect(r.value.fields).toEqual({
      ts: 1093521953.490353,
      uid: 'CaSS',
      'id.orig_h': '10.0.0.57',
      'id.orig_p': 2579,
      'id.resp_h': '10.0.0.8',
      'id.resp_p': 502,
      proto: 'tcp',
      duration: 23.256631,
      orig_bytes: 24,
      resp_bytes: 0,
      local_orig: true,
      tunnel_parents: ['a', 'b'],
      history: 'Sh\tAD',
      _path: 'conn',
    });
    expect(r.value.ecs).toMatchObject({
      'source.ip': '10.0.0.57',
      'source.port': 2579,
      'destination.ip': '10.0.0.8',
      'destination.port': 502,
      'network.transport': 'tcp',
      'source.bytes': 24,
      'destination.bytes': 0,
      'event.duration': 23256631000,
      'event.action': 'conn',
      'event.category': 'network',
    });
    expect(r.value.time).toBe(1093521953490);
    expect(results[HEADER.length + 1]).toEqual({ ok: 'skip' });
  });

  it('gives (empty) sets as [] and empty strings as ""', () => {
    const [, , r] = feed(['#fields\ta\tb', '#types\tset[count]\tstring', '(empty)\t(empty)']);
    expect(r?.ok === true && r.value.fields).toEqual({ a: [], b: '' });
  });

  it('types set elements and takes the path from the file name', () => {
    const [, , r] = feed(
      ['#fields\tts\tanswers\tquery', '#types\ttime\tvector[count]\tstring', '1.0\t1,2,-\tx.test'],
      '/logs/dns.log.gz',
    );
    expect(r?.ok === true && r.value.fields).toEqual({ ts: 1, answers: [1, 2, null], query: 'x.test', _path: 'dns' });
    expect(r?.ok === true && r.value.ecs).toMatchObject({ 'dns.question.name': 'x.test', 'network.protocol': 'dns' });
  });

  it('rejects data before #fields and lines with the wrong field count', () => {
    const p = openZeek();
    expect(p.parse('1\t2')).toEqual({ ok: false, reason: 'zeek: data line before a #fields header' });
    p.parse('#fields\ta\tb');
    expect(p.parse('1\t2\t3')).toEqual({ ok: false, reason: 'zeek: line has 3 of 2 fields' });
    expect(p.parse('1\t2').ok).toBe(true);
  });

  it('survives hostile input without losing its header state', () => {
    const p = openZeek();
    for (const h of HEADER) p.parse(h);
    const stateful = { ...zeekFormat, open: () => p };
    expect(checkHostile(stateful, ROW)).toEqual([]);
  });
});

describe('zeek: JSON', () => {
  it('parses Zeek JSON lines with _path or the file name', () => {
    const p = openZeek({ name: 'http.log' });
    const r = p.parse(
      JSON.stringify({
        ts: '2020-01-01T00:00:00.000000Z',
        uid: 'C1',
        'id.orig_h': '10.0.0.1',
        'id.orig_p': 5000,
        'id.resp_h': '10.0.0.2',
        'id.resp_p': 80,
        method: 'GET',
        host: 'x.test',
        uri: '/y',
        status_code: 200,
        user_agent: 'ua',
      }),
    );
    expect(r.ok === true && r.value.ecs).toMatchObject({
      'url.full': 'http://x.test/y',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'user_agent.original': 'ua',
      'event.action': 'http',
    });
    expect(r.ok === true && r.value.time).toBe(Date.parse('2020-01-01T00:00:00Z'));
  });
});

describe('zeek: detection', () => {
  it('recognises TSV headers and Zeek JSON', () => {
    expect(zeekFormat.detect(HEADER.join('\n'))).toBe(1);
    expect(zeekFormat.detect('{"ts":1.0,"uid":"C1","id.orig_h":"1.2.3.4"}')).toBeGreaterThan(0.9);
    expect(zeekFormat.detect('{"a":1}')).toBe(0);
  });
});
