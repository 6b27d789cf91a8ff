import { describe, expect, it } from 'vitest';
import { checkHostile } from '../../internal/hostile.js';
import { cefFormat, parseCef } from './index.js';

const LINE =
  'CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 ' +
  'suser=alice duser=bob proto=TCP act=blocked outcome=failure request=http://x.test/a?b=c msg=Detected a threat. No action needed ' +
  'fileHash=0123456789abcdef0123456789abcdef rt=Jun 14 2024 08:00:01 cs1Label=Policy cs1=Block worms';

describe('cef: header and extension', () => {
  it('parses header fields, extension values with spaces, and maps standard keys to ECS', () => {
    const r = parseCef(LINE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.fields).toMatchObject({
      'cef.version': '0',
      'cef.device_vendor': 'Security',
      'cef.device_product': 'threatmanager',
      'cef.device_version': '1.0',
      'cef.signature_id': '100',
      'cef.name': 'worm successfully stopped',
      'cef.severity': '10',
      src: '10.0.0.1',
      msg: 'Detected a threat. No action needed',
      rt: 'Jun 14 2024 08:00:01',
      cs1: 'Block worms',
      Policy: 'Block worms',
    });
    expect(r.value.ecs).toMatchObject({
      'source.ip': '10.0.0.1',
      'destination.ip': '2.1.2.2',
      'source.port': 1232,
      'destination.port': 80,
      'user.name': 'alice',
      'user.target.name': 'bob',
      'network.transport': 'tcp',
      'event.action': 'blocked',
      'event.outcome': 'failure',
      'url.full': 'http://x.test/a?b=c',
      message: 'Detected a threat. No action needed',
      'file.hash.md5': '0123456789abcdef0123456789abcdef',
      'event.code': '100',
      'rule.name': 'worm successfully stopped',
      'event.severity': 10,
      'event.provider': 'threatmanager',
    });
    expect(r.value.time).toBe(Date.UTC(2024, 5, 14, 8, 0, 1));
  });

  it('unescapes \\| and \\\\ in the header and \\= \\\\ \\n in extension values', () => {
    const r = parseCef('CEF:0|Ven\\|dor|Prod\\\\uct|1|sig|Name|Low|cmd=a\\=b c\\\\d\\nline2 rt=1718352001000');
    expect(r.ok && r.value.fields).toMatchObject({
      'cef.device_vendor': 'Ven|dor',
      'cef.device_product': 'Prod\\uct',
      cmd: 'a=b c\\d\nline2',
    });
    expect(r.ok && r.value.ecs['event.severity']).toBe(3);
    expect(r.ok && r.value.time).toBe(1718352001000);
  });

  it('accepts an empty extension, with or without the last pipe', () => {
    const r = parseCef('CEF:1|V|P|1|s|n|5|');
    expect(r.ok && r.value.fields['cef.severity']).toBe('5');
    const noPipe = parseCef('CEF:0.1|V|P|1|s|n|High');
    expect(noPipe.ok && noPipe.value.ecs['event.severity']).toBe(8);
  });

  it('parses CEF inside a syslog header, and after an unknown prefix', () => {
    const r = parseCef('<134>Jun 14 08:00:01 fw1 CEF:0|V|P|1|s|n|5|src=1.1.1.1', Date.UTC(2024, 6, 1));
    expect(r.ok && r.value.fields).toMatchObject({ 'log.syslog.hostname': 'fw1', src: '1.1.1.1' });
    expect(r.ok && r.value.time).toBe(Date.UTC(2024, 5, 14, 8, 0, 1));
    const odd = parseCef('2024-06-14 fw1 whatever CEF:0|V|P|1|s|n|5|src=1.1.1.1');
    expect(odd.ok && odd.value.fields).toMatchObject({ 'cef.prefix': '2024-06-14 fw1 whatever', src: '1.1.1.1' });
  });

  it('rejects incomplete headers with the field count', () => {
    expect(parseCef('CEF:0|Vendor|Product|1.0|100')).toEqual({ ok: false, reason: 'cef: header has 5 of 7 fields' });
    expect(parseCef('CEF:0|V|P|1|s|n')).toEqual({ ok: false, reason: 'cef: header has 6 of 7 fields' });
    expect(parseCef('CEF:x|V|P|1|s|n|5|')).toEqual({ ok: false, reason: 'cef: version "x" is not a number' });
    expect(parseCef('hello')).toEqual({ ok: false, reason: 'cef: no CEF: marker' });
  });

  it('survives hostile input and detects CEF', () => {
    expect(checkHostile(cefFormat, LINE)).toEqual([]);
    expect(cefFormat.detect(LINE)).toBe(1);
    expect(cefFormat.detect('<134>Jun 14 08:00:01 fw1 CEF:0|V|P|1|s|n|5|')).toBe(0.9);
    expect(cefFormat.detect('<134>Jun 14 08:00:01 fw1 hello')).toBe(0);
  });
});
