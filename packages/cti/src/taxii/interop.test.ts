import { existsSync, readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { corpusDir } from '../internal/corpus.js';
import { openSqliteTaxiiBackend } from './backend.js';
import { TaxiiClient } from './client.js';
import { parseTaxiiTimestamp, TAXII_MEDIA_TYPE } from './media.js';
import { taxiiServer } from './server.js';

/** The reference server's fixture: 5 collections covering every can_read/can_write combination. */
const file = corpusDir('cti', 'taxii', 'medallion_default_data.json');

interface Fixture {
  [root: string]: {
    information: { title: string; max_content_length: number };
    collections: {
      id: string;
      title: string;
      can_read: boolean;
      can_write: boolean;
      media_types: string[];
      objects?: Record<string, unknown>[];
      manifest?: { id: string; date_added: string; version: string }[];
    }[];
  };
}

const partner: AuthContext = { tenant: 'peer', user: 'user1', roles: ['partner'], via: 'token' };
const HIGH = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';

describe.skipIf(!existsSync(file))('TAXII interop with the reference fixture (corpus)', { tags: ['corpus'] }, () => {
  let app: FastifyInstance;
  let root = '';
  const client = new TaxiiClient({ token: 'user1' });
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = JSON.parse(readFileSync(file, 'utf8')) as Fixture;
    const tg = fixture['trustgroup1'];
    if (!tg) throw new Error('fixture without trustgroup1');
    const backend = openSqliteTaxiiBackend(':memory:', [
      { name: 'trustgroup1', title: tg.information.title, maxContentLength: tg.information.max_content_length },
    ]);
    for (const c of tg.collections) {
      // The fixture's can_read/can_write become the partner's rights; everything is TLP-readable.
      backend.putCollection({
        apiRoot: 'trustgroup1',
        id: c.id,
        title: c.title,
        mediaTypes: c.media_types,
        acl: {
          tenant: 'owner',
          read: c.can_read ? ['partner:user1'] : [],
          write: c.can_write ? ['partner:user1'] : [],
          maxTlp: 'amber',
        },
      });
      const objects = c.objects ?? [];
      // Each object version gets the date_added of its manifest entry.
      const added = objects.map((o) => {
        const m = c.manifest?.find((x) => x.id === o['id'] && x.version === (o['modified'] ?? o['created']));
        return m ? parseTaxiiTimestamp(m.date_added) : undefined;
      });
      backend.addObjects('trustgroup1', c.id, objects, added);
    }
    app = Fastify();
    await app.register(taxiiServer, {
      prefix: '/taxii2',
      backend,
      maxPageSize: 100,
      authenticate: async (r) => (r.authorization === 'Bearer user1' ? partner : undefined),
    });
    root = `${await app.listen({ port: 0, host: '127.0.0.1' })}/taxii2/trustgroup1/`;
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists the collections the caller may read or write, with the fixture rights', async () => {
    const tg = fixture['trustgroup1'];
    const expected = (tg?.collections ?? [])
      .filter((c) => c.can_read || c.can_write)
      .map((c) => [c.id, c.can_read, c.can_write]);
    const got = (await client.collections(root)).map((c) => [c.id, c.can_read, c.can_write]);
    expect(got.sort()).toEqual(expected.sort());
  });

  it('serves the latest 2.1 version of each object by default, with exact date-added headers', async () => {
    const c = await client.collection(root, HIGH);
    const page = await client.getObjects(root, c);
    expect(page.objects.map((o) => [o['id'], o['modified'] ?? o['created']])).toEqual([
      ['relationship--2f9a9aa9-108a-4333-83e2-4fb25add0463', '2014-05-08T09:00:00.000Z'],
      ['indicator--cd981c25-8042-4166-8945-51178443bdac', '2014-05-08T09:00:00.000Z'],
      ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', '2017-01-20T00:00:00.000Z'],
      ['malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec', '2017-01-27T13:49:53.997Z'],
      ['indicator--6770298f-0fd8-471a-ab8c-1c658a46574e', '2017-01-27T13:49:53.935Z'],
    ]);
    expect(page.dateAddedFirst).toBe('2014-05-08T09:00:00.000000Z');
    expect(page.dateAddedLast).toBe('2017-12-31T13:49:53.935000Z');
  });

  it('filters by spec_version, version and added_after as the reference tests do', async () => {
    const c = await client.collection(root, HIGH);
    const ids = async (f: Record<string, string>) => (await client.getObjects(root, c, f)).objects.map((o) => o['id']);
    expect(await ids({ spec_version: '2.0' })).toEqual(['malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec']);
    expect((await ids({ spec_version: '2.0,2.1', version: 'all' })).length).toBe(8);
    expect((await ids({ version: 'all' })).length).toBe(7);
    expect(await ids({ id: 'indicator--6770298f-0fd8-471a-ab8c-1c658a46574e', version: 'first' })).toHaveLength(1);
    expect(await ids({ added_after: '2016-11-03T12:30:59.001000Z' })).toEqual([
      'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da',
      'malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec',
      'indicator--6770298f-0fd8-471a-ab8c-1c658a46574e',
    ]);
    const v = await fetch(
      `${root}collections/${HIGH}/objects/indicator--6770298f-0fd8-471a-ab8c-1c658a46574e/versions/`,
      {
        headers: { Authorization: 'Bearer user1', Accept: TAXII_MEDIA_TYPE },
      },
    );
    expect(((await v.json()) as { versions: string[] }).versions).toEqual([
      '2016-11-03T12:30:59.000Z',
      '2016-12-25T12:30:59.444Z',
      '2017-01-27T13:49:53.935Z',
    ]);
    const m = await fetch(`${root}collections/${HIGH}/manifest/?match[spec_version]=2.0`, {
      headers: { Authorization: 'Bearer user1', Accept: TAXII_MEDIA_TYPE },
    });
    expect(((await m.json()) as { objects: { media_type: string }[] }).objects.map((o) => o.media_type)).toEqual([
      'application/stix+json;version=2.0',
    ]);
  });
});
