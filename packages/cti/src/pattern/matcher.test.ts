import { describe, expect, it } from 'vitest';
import { observationFromEvent } from './ecs-mapping.js';
import { matchPattern } from './matcher.js';
import { observationsFromObjects } from './observation.js';
import { parsePattern } from './parser.js';

function pat(p: string) {
  const r = parsePattern(p);
  if (!r.ok) throw new Error(r.reason.message);
  return r.value;
}

const od = (id: string, t: string, objects: Record<string, unknown>) => ({
  type: 'observed-data',
  spec_version: '2.1',
  id: `observed-data--${id}`,
  created: t,
  modified: t,
  first_observed: t,
  last_observed: t,
  number_observed: 1,
  objects,
});

const obs = observationsFromObjects([
  od('00000000-0000-4000-8000-000000000001', '2024-01-01T00:00:00Z', {
    '0': { type: 'ipv4-addr', value: '198.51.100.7' },
    '1': { type: 'network-traffic', dst_ref: '0', dst_port: 443, protocols: ['tcp'] },
    '2': { type: 'file', name: 'evil.exe', hashes: { MD5: 'cead3f77f6cda6ec00f57d76c9a6879f' }, size: 1280 },
  }),
  od('00000000-0000-4000-8000-000000000002', '2024-01-01T00:01:00Z', {
    '0': { type: 'domain-name', value: 'www.example.com', resolves_to_refs: ['1'] },
    '1': { type: 'ipv4-addr', value: '203.0.113.5' },
    '2': { type: 'file', name: 'other.dll' },
  }),
  od('00000000-0000-4000-8000-000000000003', '2024-01-01T00:10:00Z', {
    '0': { type: 'x-usb-device', usbdrive: { serial_number: '575833314133343231313937' } },
  }),
]);

const m = (p: string) => matchPattern(pat(p), obs).matched;

describe('matchPattern over observed-data', () => {
  it('compares values through references', () => {
    expect(m("[network-traffic:dst_ref.value = '198.51.100.7/32' AND network-traffic:dst_port = 443]")).toBe(true);
    expect(m("[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24']")).toBe(true);
    expect(m("[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']")).toBe(false);
    expect(m("[domain-name:resolves_to_refs[*].value = '203.0.113.5']")).toBe(true);
  });
  it('supports every operator and NOT', () => {
    expect(m('[file:size > 1000 AND file:size <= 1280]')).toBe(true);
    expect(m("[file:name IN ('a', 'evil.exe')]")).toBe(true);
    expect(m("[file:name LIKE 'evil.%']")).toBe(true);
    expect(m("[file:name MATCHES '^o.*\\\\.dll$']")).toBe(true);
    expect(m("[file:name NOT = 'evil.exe' AND file:name = 'other.dll']")).toBe(true);
    expect(m("[file:hashes.MD5 != 'cead3f77f6cda6ec00f57d76c9a6879f' AND file:size = 1280]")).toBe(false);
    expect(m('[EXISTS file:hashes.MD5]')).toBe(true);
    expect(m("[ipv4-addr:value NOT ISSUBSET '198.51.100.0/24']")).toBe(true);
  });
  it('requires same-type ANDs to hold on one object', () => {
    expect(m("[file:name = 'evil.exe' AND file:name = 'other.dll']")).toBe(false);
  });
  it('matches custom object types', () => {
    expect(m("[x-usb-device:usbdrive.serial_number = '575833314133343231313937']")).toBe(true);
  });
  it('combines observations with AND, OR, FOLLOWEDBY and qualifiers', () => {
    expect(m("[file:name = 'evil.exe'] AND [file:name = 'other.dll']")).toBe(true);
    expect(m("[file:name = 'other.dll'] FOLLOWEDBY [file:name = 'evil.exe']")).toBe(false);
    expect(m("[file:name = 'evil.exe'] FOLLOWEDBY [file:name = 'other.dll']")).toBe(true);
    expect(m("([file:name = 'evil.exe'] AND [file:name = 'other.dll']) WITHIN 30 SECONDS")).toBe(false);
    expect(m("([file:name = 'evil.exe'] AND [file:name = 'other.dll']) WITHIN 60 SECONDS")).toBe(true);
    expect(m("[file:name = 'evil.exe'] OR [file:name = 'nothing']")).toBe(true);
    expect(m("[file:name LIKE '%'] REPEATS 2 TIMES")).toBe(true);
    expect(m("[file:name = 'evil.exe'] REPEATS 2 TIMES")).toBe(false);
    expect(m("[file:name = 'evil.exe'] START t'2024-01-01T00:00:00Z' STOP t'2024-01-01T00:00:01Z'")).toBe(true);
    expect(m("[file:name = 'evil.exe'] START t'2024-01-02T00:00:00Z' STOP t'2024-01-03T00:00:00Z'")).toBe(false);
  });
});

describe('matching events through the ECS mapping', () => {
  const event = {
    id: 'e1',
    time: Date.parse('2024-01-01T00:00:00Z'),
    ecs: {
      'source.ip': '10.1.2.3',
      'destination.ip': '198.51.100.7',
      'destination.port': 443,
      'network.transport': 'tcp',
      'process.executable': 'C:\\Windows\\System32\\cmd.exe',
      'process.command_line': 'cmd.exe /c whoami',
      'process.parent.name': 'winword.exe',
      'dns.question.name': 'Evil.Example.com',
    },
    fields: { EventID: 1, Channel: 'Sysmon' },
  };
  const o = [observationFromEvent(event)];
  const em = (p: string) => matchPattern(pat(p), o).matched;
  it('maps traffic, processes and DNS', () => {
    expect(em("[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443]")).toBe(true);
    expect(em("[process:image_ref.name = 'cmd.exe' AND process:parent_ref.image_ref.name = 'winword.exe']")).toBe(true);
    expect(em("[process:command_line MATCHES 'whoami']")).toBe(true);
    expect(em("[domain-name:value = 'evil.example.com']")).toBe(true);
  });
  it('exposes original fields on the event object', () => {
    expect(em('[x-intersoc-event:fields.EventID = 1]')).toBe(true);
    expect(em("[x-intersoc-event:fields.Channel = 'Security']")).toBe(false);
  });
});

describe('matchPattern agrees with the reference semantics', () => {
  const data = [
    {
      type: 'bundle',
      id: 'bundle--00000000-0000-4000-8000-0000000000b1',
      objects: [
        {
          type: 'observed-data',
          id: 'observed-data--00000000-0000-4000-8000-0000000000a1',
          first_observed: '2020-01-01T00:00:00Z',
          last_observed: '2020-01-01T00:00:00Z',
          number_observed: 3,
          // 2.1 data may keep an empty deprecated `objects` beside `object_refs`.
          objects: {},
          object_refs: ['x-thing--00000000-0000-4000-8000-0000000000c1'],
        },
        {
          type: 'x-thing',
          id: 'x-thing--00000000-0000-4000-8000-0000000000c1',
          n: 7,
          flag: false,
          word: 'dog',
          gone: null,
          blob_hex: '646f67',
          when: '2020-01-01T00:00:00.5Z',
          sloppy: '2020-01-01 00:00:00',
        },
      ],
    },
  ];
  const p = (s: string) => {
    const r = parsePattern(s, { allowRepeatedQualifiers: true });
    if (!r.ok) throw new Error(r.reason.message);
    return r.value;
  };
  const run = (s: string) => matchPattern(p(s), observationsFromObjects(data));
  const yes = (s: string) => expect(run(s).matched, s).toBe(true);
  const no = (s: string) => expect(run(s).matched, s).toBe(false);

  it('reads object_refs when an empty objects map is present', () => {
    yes("[x-thing:word = 'dog']");
  });
  it('treats values of different types as unequal and unordered', () => {
    yes('[x-thing:n != true]');
    yes("[x-thing:n != '7']");
    yes("[x-thing:flag != 'false']");
    yes("[x-thing:word != h'00']");
    yes("[x-thing:n != t'2020-01-01T00:00:00Z']");
    no('[x-thing:flag < 1]');
    no("[x-thing:n > 'a']");
    no('[x-thing:flag = 0]');
  });
  it('compares binary literals and *_hex properties with strings byte for byte', () => {
    yes("[x-thing:word = h'646f67']");
    yes("[x-thing:word = b'ZG9n']");
    yes("[x-thing:blob_hex = 'dog']");
    yes("[x-thing:blob_hex LIKE 'd_g']");
    no("[x-thing:blob_hex = 'dōg']");
  });
  it('lets != and NOT hold on null, and nothing hold on missing properties', () => {
    yes("[x-thing:gone != 'a']");
    yes("[x-thing:gone NOT LIKE 'a%']");
    no("[x-thing:gone = 'a']");
    no("[x-thing:missing != 'a']");
  });
  it('reads strings as timestamps against timestamp literals, and reports malformed ones', () => {
    yes("[x-thing:when > t'2020-01-01T00:00:00.4Z']");
    const r = run("[x-thing:sloppy = t'2020-01-01T00:00:00Z']");
    expect(r.matched).toBe(false);
    expect(r.error).toMatch(/invalid timestamp/);
  });
  it('counts number_observed and applies REPEATS, also repeated and with WITHIN', () => {
    yes("[x-thing:word = 'dog'] REPEATS 3 TIMES");
    no("[x-thing:word = 'dog'] REPEATS 4 TIMES");
    yes("[x-thing:word = 'dog'] REPEATS 1 TIMES REPEATS 3 TIMES WITHIN 1 SECONDS");
    no("[x-thing:word = 'dog'] REPEATS 2 TIMES REPEATS 2 TIMES");
  });
  it('refuses WITHIN 0 SECONDS, REPEATS 0 TIMES and mixed-type sets when parsing', () => {
    for (const s of [
      "[x-thing:word = 'dog'] WITHIN 0 SECONDS",
      "[x-thing:word = 'dog'] REPEATS 0 TIMES",
      "[x-thing:word IN (1, 'a')]",
    ]) {
      expect(parsePattern(s).ok, s).toBe(false);
    }
    expect(parsePattern('[x-thing:n IN (1, 2.5)]').ok).toBe(true);
  });
});
