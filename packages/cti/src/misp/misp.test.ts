import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir } from '../internal/corpus.js';
import { validateStix } from '../stix/validate.js';
import { stixToMisp } from './from-stix.js';
import { parseMispEvents } from './parse.js';
import { attributePattern, mispToStix } from './to-stix.js';
import type { MispAttribute, MispEvent } from './types.js';

const dir = corpusDir('cti', 'misp-examples');
const fixtures = existsSync(dir)
  ? [
      ...readdirSync(path.join(dir, 'pymisp-tests')).map((f) => path.join(dir, 'pymisp-tests', f)),
      ...readdirSync(path.join(dir, 'pymisp-tests', 'mispevent_testfiles')).map((f) =>
        path.join(dir, 'pymisp-tests', 'mispevent_testfiles', f),
      ),
      ...readdirSync(path.join(dir, 'feed-fixture')).map((f) => path.join(dir, 'feed-fixture', f)),
    ].filter(
      (f) =>
        f.endsWith('.json') &&
        !/manifest|sharing_groups|search_index|stix2|galaxy\.json|sighting\.json|malware_exist/.test(f),
    )
  : [];

/** What a round trip must keep: value, type and tags of every attribute (top level and in objects). */
function signature(e: MispEvent): string[] {
  const one = (a: MispAttribute, where: string) =>
    `${where}|${a.type}|${a.value}|${(a.Tag ?? [])
      .map((t) => t.name)
      .sort()
      .join(',')}`;
  return [
    ...e.Attribute.map((a) => one(a, 'event')),
    ...e.Object.flatMap((o) => o.Attribute.map((a) => one(a, `object:${o.name}`))),
  ].sort();
}

describe.skipIf(fixtures.length === 0)('MISP fixtures (corpus)', { tags: ['corpus'] }, () => {
  it('finds the fixtures', () => expect(fixtures.length).toBeGreaterThan(15));
  it.each(fixtures.map((f) => [path.relative(dir, f), f]))('%s imports, converts to valid STIX and back', (_n, f) => {
    const parsed = parseMispEvents(JSON.parse(readFileSync(f, 'utf8')));
    expect(parsed.ok ? 'ok' : parsed.reason).toBe('ok');
    if (!parsed.ok) return;
    for (const event of parsed.value) {
      const bundle = mispToStix(event);
      const v = validateStix(bundle);
      expect(v.errors.slice(0, 3)).toEqual([]);
      const [back] = stixToMisp(bundle);
      expect(back).toBeDefined();
      if (!back) return;
      expect(signature(back)).toEqual(signature(event));
      expect((back.Tag ?? []).map((t) => t.name)).toEqual((event.Tag ?? []).map((t) => t.name));
    }
  });
});

describe('MISP mapping', () => {
  it('builds patterns for composite types', () => {
    expect(attributePattern('filename|sha256', 'a.exe|' + 'ab'.repeat(32))).toBe(
      `[file:name = 'a.exe' AND file:hashes.'SHA-256' = '${'ab'.repeat(32)}']`,
    );
    expect(attributePattern('ip-dst|port', '2001:db8::1|443')).toBe(
      "[ipv6-addr:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 443]".replace(
        'ipv6-addr:dst_ref',
        'network-traffic:dst_ref',
      ),
    );
    expect(attributePattern('regkey', 'HKLM\\Run')).toBe("[windows-registry-key:key = 'HKLM\\\\Run']");
    expect(attributePattern('text', 'x')).toBeUndefined();
  });
  it('round-trips sightings, galaxies, objects and TLP markings', () => {
    const event = {
      uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81',
      info: 'test',
      date: '2024-01-02',
      Tag: [{ name: 'tlp:amber' }, { name: 'misp-galaxy:threat-actor="Sofacy"' }],
      Attribute: [
        {
          uuid: '5a3c2fcd-0000-4000-8000-000000000001',
          type: 'ip-dst',
          category: 'Network activity',
          value: '198.51.100.1',
          to_ids: true,
          Sighting: [{ type: '0', date_sighting: '1700000000' }],
        },
        {
          uuid: '5a3c2fcd-0000-4000-8000-000000000002',
          type: 'domain|ip',
          category: 'Network activity',
          value: 'a.example|203.0.113.9',
          to_ids: false,
          Tag: [{ name: 'PAP:AMBER' }],
        },
        {
          uuid: '5a3c2fcd-0000-4000-8000-000000000003',
          type: 'text',
          category: 'Other',
          value: 'free text',
          to_ids: false,
        },
      ],
      Object: [
        {
          uuid: '5a3c2fcd-0000-4000-8000-000000000010',
          name: 'file',
          'meta-category': 'file',
          Attribute: [
            {
              type: 'filename',
              object_relation: 'filename',
              value: 'x.dll',
              to_ids: true,
              category: 'Payload delivery',
            },
            {
              type: 'size-in-bytes',
              object_relation: 'size-in-bytes',
              value: '1024',
              to_ids: false,
              category: 'Other',
            },
          ],
        },
      ],
      Galaxy: [
        {
          type: 'threat-actor',
          name: 'Threat Actor',
          GalaxyCluster: [{ value: 'Sofacy', tag_name: 'misp-galaxy:threat-actor="Sofacy"' }],
        },
      ],
    };
    const parsed = parseMispEvents({ Event: event });
    if (!parsed.ok) throw new Error(parsed.reason);
    const bundle = mispToStix(parsed.value[0] as MispEvent);
    expect(validateStix(bundle).errors).toEqual([]);
    const types = bundle.objects.map((o) => o['type']);
    expect(types).toEqual(
      expect.arrayContaining([
        'report',
        'indicator',
        'observed-data',
        'x-misp-attribute',
        'x-misp-object',
        'threat-actor',
        'sighting',
        'marking-definition',
      ]),
    );
    const report = bundle.objects[0] as Record<string, unknown>;
    expect(report['object_marking_refs']).toEqual(['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421']);
    const [back] = stixToMisp(bundle);
    expect(back?.Attribute[0]?.Sighting?.length).toBe(1);
    expect(back?.Galaxy?.[0]?.GalaxyCluster[0]?.value).toBe('Sofacy');
    expect(back?.Object[0]?.Attribute.map((a) => [a.object_relation, a.value])).toEqual([
      ['filename', 'x.dll'],
      ['size-in-bytes', '1024'],
    ]);
    expect(signature(back as MispEvent)).toEqual(signature(parsed.value[0] as MispEvent));
  });
});

/** Ids that two different objects of one bundle share. */
function sharedIds(objects: readonly Record<string, unknown>[]): string[] {
  const byId = new Map<string, string>();
  const clashes = new Set<string>();
  for (const o of objects) {
    const id = String(o['id']);
    const body = JSON.stringify(o);
    const seen = byId.get(id);
    if (seen !== undefined && seen !== body) clashes.add(id);
    byId.set(id, body);
  }
  return [...clashes];
}

describe('MISP galaxy clusters get one STIX id each', () => {
  const reused = '454f4e78-bd7c-11e6-a4a6-cec0c932ce01';
  const event = {
    uuid: '5a3c2fcd-8328-42bb-a95e-4f4402de0b81',
    info: 'clusters sharing a uuid',
    date: '2024-01-02',
    Attribute: [],
    Galaxy: [
      {
        type: 'exploit-kit',
        name: 'Exploit-Kit',
        GalaxyCluster: [
          { uuid: reused, value: 'Sednit EK', tag_name: 'misp-galaxy:exploit-kit="Sednit EK"' },
          { uuid: reused, value: 'DealersChoice', tag_name: 'misp-galaxy:exploit-kit="DealersChoice"' },
        ],
      },
      {
        type: 'tool',
        name: 'Tool',
        GalaxyCluster: [{ uuid: reused, value: 'Sednit EK', tag_name: 'misp-galaxy:tool="Sednit EK"' }],
      },
    ],
  };

  it('derives distinct, stable ids and keeps the MISP uuid for the way back', () => {
    const parsed = parseMispEvents({ Event: event });
    if (!parsed.ok) throw new Error(parsed.reason);
    const bundle = mispToStix(parsed.value[0] as MispEvent);
    const tools = bundle.objects.filter((o) => o['type'] === 'tool');
    expect(tools.map((o) => o['name'])).toEqual(['Sednit EK', 'DealersChoice', 'Sednit EK']);
    expect(new Set(tools.map((o) => o['id'])).size).toBe(3);
    expect(sharedIds(bundle.objects)).toEqual([]);
    expect(validateStix(bundle).errors).toEqual([]);
    // Deterministic: the same event converts to the same ids.
    expect(mispToStix(parsed.value[0] as MispEvent).objects.map((o) => o['id'])).toEqual(
      bundle.objects.map((o) => o['id']),
    );
    const [back] = stixToMisp(bundle);
    const clusters = (back?.Galaxy ?? []).flatMap((g) => g.GalaxyCluster.map((c) => [g.type, c.value, c.uuid]));
    expect(clusters).toEqual([
      ['exploit-kit', 'Sednit EK', reused],
      ['exploit-kit', 'DealersChoice', reused],
      ['tool', 'Sednit EK', reused],
    ]);
  });

  it.skipIf(fixtures.length === 0)(
    'no two different objects share an id in any converted fixture (corpus)',
    { tags: ['corpus'] },
    () => {
      const clashes: string[] = [];
      for (const f of fixtures) {
        const parsed = parseMispEvents(JSON.parse(readFileSync(f, 'utf8')));
        if (!parsed.ok) continue;
        for (const e of parsed.value)
          clashes.push(...sharedIds(mispToStix(e).objects).map((id) => `${path.basename(f)}: ${id}`));
      }
      expect(clashes).toEqual([]);
    },
  );
});
