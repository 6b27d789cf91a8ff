import { describe, expect, it } from 'vitest';
import type { SocEvent } from '@intersoc/core';
import { indicatorsFromStix, validateStix } from '@intersoc/cti';
import { IocDetector } from './detector.js';
import { IocIndex } from './ioc-index.js';

const T0 = Date.parse('2024-03-01T10:00:00Z');

function event(id: string, ecs: SocEvent['ecs'], fields: SocEvent['fields'] = {}, time = T0): SocEvent {
  return {
    id,
    time,
    ingested: time,
    tenant: 'default',
    source: { format: 'json', kind: 'file', name: 't' },
    raw: '{}',
    fields,
    ecs,
  };
}

function indicator(n: number, pattern: string, extra: Record<string, unknown> = {}) {
  const id = `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2024-02-28T00:00:00.000Z',
    modified: '2024-02-28T00:00:00.000Z',
    pattern,
    pattern_type: 'stix',
    valid_from: '2024-02-28T00:00:00Z',
    confidence: 80,
    ...extra,
  };
}

const bundle = [
  indicator(1, "[ipv4-addr:value = '198.51.100.7']", { name: 'C2 address' }),
  indicator(2, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
  indicator(3, "[domain-name:value LIKE '%.evil.example']"),
  indicator(4, "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']"),
  indicator(5, "[url:value = 'http://bad.example/x']"),
  indicator(6, "[ipv6-addr:value ISSUBSET '2001:db8:dead::/48']"),
  indicator(7, "[ipv4-addr:value = '192.0.2.1']", { valid_until: '2024-02-29T00:00:00Z' }),
  indicator(8, "[ipv4-addr:value = '192.0.2.2']", { revoked: true }),
  indicator(9, "[process:command_line MATCHES 'mimikatz' AND process:image_ref.name = 'cmd.exe']", {
    name: 'mimikatz via cmd',
  }),
  indicator(10, "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example'] WITHIN 60 SECONDS"),
  indicator(11, "[ipv4-addr:value = '192.0.2.3']", { confidence: 10 }),
];

function detector(): IocDetector {
  const set = indicatorsFromStix(bundle);
  const index = new IocIndex();
  for (const s of set.simple) index.add(s);
  return new IocDetector({
    index,
    patterns: set.patterns,
    identity: 'identity--00000000-0000-4000-8000-000000000000',
    now: () => T0,
  });
}

describe('IocDetector', () => {
  const d = detector();
  const ids = (evs: SocEvent[]) => d.detect(evs).map((a) => a.detector.ruleId.slice(-2));

  it('compiles simple patterns into the indexes and keeps the rest as patterns', () => {
    const set = indicatorsFromStix(bundle);
    expect(set.simple.length).toBe(9);
    expect(set.patterns.length).toBe(2);
  });
  it('matches exact addresses, CIDRs and IPv6 networks', () => {
    expect(ids([event('e1', { 'destination.ip': '198.51.100.7' })])).toEqual(['01']);
    expect(ids([event('e2', { 'source.ip': '203.0.113.99' })])).toEqual(['02']);
    expect(ids([event('e3', { 'source.ip': '2001:db8:dead:beef::1' })])).toEqual(['06']);
    expect(ids([event('e4', { 'source.ip': '10.0.0.1' })])).toEqual([]);
  });
  it('matches domain suffixes, hashes and URLs (with their host)', () => {
    expect(ids([event('e5', { 'dns.question.name': 'x.y.EVIL.example.' })])).toEqual(['03']);
    expect(ids([event('e6', { 'dns.question.name': 'notevil.example' })])).toEqual([]);
    expect(
      ids([event('e7', { 'file.hash.sha256': 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F' })]),
    ).toEqual(['04']);
    expect(ids([event('e8', { 'url.full': 'HTTP://BAD.example/x' })])).toEqual(['05']);
  });
  it('honours valid_until, revocation and decayed confidence', () => {
    expect(ids([event('e9', { 'source.ip': '192.0.2.1' })])).toEqual([]);
    expect(ids([event('e10', { 'source.ip': '192.0.2.2' })])).toEqual([]);
    expect(ids([event('e11', { 'source.ip': '192.0.2.3' })])).toEqual([]);
    expect(ids([event('e12', { 'destination.ip': '198.51.100.7' }, {}, Date.parse('2024-02-01T00:00:00Z'))])).toEqual(
      [],
    );
  });
  it('runs complex patterns through the matcher, within the batch for multi-observation ones', () => {
    const a = event('p1', { 'process.executable': 'C:\\Windows\\cmd.exe', 'process.command_line': 'cmd /c mimikatz' });
    expect(ids([a])).toEqual(['09']);
    const b1 = event('b1', { 'dns.question.name': 'a.example' }, {}, T0);
    const b2 = event('b2', { 'dns.question.name': 'b.example' }, {}, T0 + 30_000);
    const alerts = d.detect([b1, b2]);
    expect(alerts.map((x) => [x.detector.ruleId.slice(-2), x.eventIds])).toEqual([['10', ['b1', 'b2']]]);
    expect(ids([b2, { ...b1, time: T0 + 120_000 }])).toEqual([]);
  });
  it('produces an alert with entities and a valid STIX sighting', () => {
    const [alert] = d.detect([
      event('s1', { 'destination.ip': '198.51.100.7', 'host.name': 'ws1', 'user.name': 'bob' }),
    ]);
    expect(alert?.severity).toBe('high');
    expect(alert?.entities).toEqual([
      { type: 'ip', value: '198.51.100.7', role: 'destination' },
      { type: 'host', value: 'ws1', role: 'host' },
      { type: 'user', value: 'bob', role: 'actor' },
    ]);
    const sighting = alert?.details?.['sighting'] as Record<string, unknown>;
    expect(sighting['sighting_of_ref']).toBe(bundle[0]?.id);
    expect(validateStix(sighting).errors).toEqual([]);
  });
  it('reads composite hash fields when configured', () => {
    const set = indicatorsFromStix(bundle);
    const index = new IocIndex();
    for (const s of set.simple) index.add(s);
    const raw = new IocDetector({ index, fields: { Hashes: 'hash' } });
    const e = event(
      'h1',
      {},
      { Hashes: 'MD5=00,SHA256=AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F' },
    );
    expect(raw.detect([e]).map((a) => a.detector.ruleId.slice(-2))).toEqual(['04']);
  });
});

describe('IocDetector without decay', () => {
  it('keeps old but valid indicators when decay is off', () => {
    const index = new IocIndex();
    index.add({
      id: 'indicator--old',
      kind: 'ip',
      value: '8.8.8.8',
      validFrom: Date.UTC(2015, 0, 1),
      created: Date.UTC(2015, 0, 1),
    });
    const e = event('d1', { 'destination.ip': '8.8.8.8' }, {}, Date.UTC(2020, 0, 1));
    expect(new IocDetector({ index, decay: false }).detect([e]).length).toBe(1);
    expect(new IocDetector({ index }).detect([e]).length).toBe(0);
  });
});

describe('IocDetector time budget', () => {
  const pathological = indicator(20, "[process:command_line LIKE '%q%q%q%q%q%q%q%q%q%z']", { name: 'nine q then z' });
  const cmd = (id: string, line: string) =>
    event(id, { 'process.command_line': line, 'destination.ip': '198.51.100.7' });

  it('completes a batch holding the input that made the LIKE regex backtrack about 2^40 times', () => {
    const set = indicatorsFromStix([bundle[0], pathological]);
    const index = new IocIndex();
    for (const s of set.simple) index.add(s);
    // A generous budget: the linear matcher needs microseconds, the old regex hours.
    const d = new IocDetector({ index, patterns: set.patterns, budgetMs: 30_000, now: () => T0 });
    const batch = [cmd('x1', 'q'.repeat(40)), ...Array.from({ length: 50 }, (_, i) => cmd(`n${i}`, 'ls -l'))];
    const alerts = d.detect(batch);
    expect(alerts.filter((a) => a.detector.ruleId.endsWith('01'))).toHaveLength(51);
    expect(alerts.some((a) => a.detector.ruleId === pathological.id)).toBe(false);
    expect(d.detect([cmd('x2', `${'q'.repeat(40)}z`)]).map((a) => a.detector.ruleId)).toContain(pathological.id);
  });

  it('disables the indicator that overspends the batch budget, reports it and keeps the others', () => {
    const slow = indicator(21, "[process:command_line LIKE '%slow%']", { name: 'slow one' });
    const cheap = indicator(22, "[process:command_line MATCHES 'whoami']");
    const set = indicatorsFromStix([slow, cheap]);
    // A scripted clock. Indicators run in order (slow, then cheap) and the clock is read at the
    // start and every 32 events: the slow one's readings add 400 ms each, so it has spent
    // 1,200 ms at its third; every later reading (the cheap one's) adds 1 ms.
    let readings = 0;
    const clock = () => {
      readings++;
      return readings === 1 ? 0 : readings <= 4 ? (readings - 1) * 400 : 1_200 + (readings - 4);
    };
    const patterns = set.patterns;
    const disabled = new Set<string>();
    const reported: string[] = [];
    const d = new IocDetector({
      index: new IocIndex(),
      patterns,
      budgetMs: 1_000,
      clock,
      disabled,
      onDisabled: (x) => reported.push(x.id),
      now: () => T0,
    });
    const batch = Array.from({ length: 100 }, (_, i) => cmd(`w${i}`, 'cmd /c whoami'));
    const alerts = d.detect(batch);
    const notice = alerts.filter((a) => a.details?.['disabled'] === true);
    expect(notice).toHaveLength(1);
    expect(notice[0]?.detector.ruleId).toBe(slow.id);
    expect(notice[0]?.summary).toMatch(/indicator .* disabled/);
    expect(reported).toEqual([slow.id]);
    expect(alerts.filter((a) => a.detector.ruleId === cheap.id)).toHaveLength(100);
    expect([...disabled]).toHaveLength(1);
    // Disabled for later batches and for a detector rebuilt with the same set.
    const again = new IocDetector({ index: new IocIndex(), patterns: set.patterns, disabled, now: () => T0 });
    expect(again.detect([cmd('w', 'slow whoami')]).map((a) => a.detector.ruleId)).toEqual([cheap.id]);
  });
});
