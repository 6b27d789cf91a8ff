import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthContext } from '@intersoc/core';
import { TLP_V2_MARKINGS } from '../taxonomies/tlp.js';
import { openSqliteTaxiiBackend, type SqliteTaxiiBackend } from './backend.js';
import { filterQuery, memoryCursors, TaxiiClient } from './client.js';
import { TAXII_MEDIA_TYPE } from './media.js';
import { taxiiServer } from './server.js';

const USERS: Record<string, { password: string; ctx: AuthContext }> = {
  analyst: { password: 'pw-a', ctx: { tenant: 'acme', user: 'analyst', roles: ['analyst'], via: 'token' } },
  viewer: { password: 'pw-v', ctx: { tenant: 'acme', user: 'viewer', roles: ['viewer'], via: 'token' } },
  peer1: { password: 'pw-p', ctx: { tenant: 'peer1', user: 'peer1', roles: ['partner'], via: 'token' } },
};
const TOKENS: Record<string, AuthContext> = { 'tok-123': USERS['analyst']!.ctx };

async function authenticate(req: { authorization?: string }): Promise<AuthContext | undefined> {
  const h = req.authorization ?? '';
  if (h.startsWith('Bearer ')) return TOKENS[h.slice(7)];
  if (!h.startsWith('Basic ')) return undefined;
  const [user = '', password] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
  const u = USERS[user];
  return u && u.password === password ? u.ctx : undefined;
}

const ind = (n: number, modified = '2024-01-01T00:00:00.000Z', extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-01-01T00:00:00.000Z',
  modified,
  pattern: `[ipv4-addr:value = '198.51.100.${n % 250}']`,
  pattern_type: 'stix',
  valid_from: '2024-01-01T00:00:00Z',
  object_marking_refs: [TLP_V2_MARKINGS.green],
  ...extra,
});

let app: FastifyInstance;
let backend: SqliteTaxiiBackend;
let base: string;
let root: string;
const analyst = new TaxiiClient({ user: 'analyst', password: 'pw-a' });
const partner = new TaxiiClient({ user: 'peer1', password: 'pw-p' });

beforeAll(async () => {
  backend = openSqliteTaxiiBackend(':memory:', [
    { name: 'api1', title: 'General', maxContentLength: 200_000 },
    { name: 'trustgroup1', title: 'Trust group', maxContentLength: 9_765_625 },
  ]);
  const media = ['application/stix+json;version=2.1'];
  backend.putCollection({
    apiRoot: 'api1',
    id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116',
    title: 'shared',
    mediaTypes: media,
    acl: { tenant: 'acme', read: ['partner:peer1'], write: [] },
  });
  backend.putCollection({
    apiRoot: 'api1',
    id: '52892447-4d7e-4f70-b94d-d7f22742ff63',
    title: 'inbox',
    alias: 'inbox',
    mediaTypes: media,
    acl: { tenant: 'acme', read: [], write: ['partner:peer1'] },
  });
  backend.putCollection({
    apiRoot: 'api1',
    id: '64993447-4d7e-4f70-b94d-d7f33742ee63',
    title: 'private',
    mediaTypes: media,
    acl: { tenant: 'acme', read: [], write: [] },
  });
  app = Fastify();
  await app.register(taxiiServer, { prefix: '/taxii2', backend, authenticate, maxPageSize: 10, defaultRoot: 'api1' });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  base = `${address}/taxii2/`;
  root = `${base}api1/`;
});

afterAll(async () => {
  await app.close();
});

const SHARED = '91a7b528-80eb-42ed-a74d-c6fbd5a26116';

describe('TAXII 2.1 over HTTP', () => {
  it('serves discovery, API roots and collections', async () => {
    const d = await analyst.discovery(base);
    expect(d.api_roots).toEqual([`${base}api1/`, `${base}trustgroup1/`]);
    expect(d.default).toBe(`${base}api1/`);
    const r = await analyst.apiRoot(root);
    expect(r).toMatchObject({ versions: [TAXII_MEDIA_TYPE], max_content_length: 200_000 });
    expect((await analyst.collections(root)).map((c) => [c.title, c.can_read, c.can_write])).toEqual([
      ['inbox', true, true],
      ['private', true, true],
      ['shared', true, true],
    ]);
    expect((await partner.collections(root)).map((c) => [c.title, c.can_read, c.can_write])).toEqual([
      ['inbox', false, true],
      ['shared', true, false],
    ]);
    expect((await analyst.collection(root, 'inbox')).id).toBe('52892447-4d7e-4f70-b94d-d7f22742ff63');
  });

  it('accepts envelopes, reports duplicates, and pages with exact date-added headers', async () => {
    const objs = [
      ...Array.from({ length: 24 }, (_, i) => ind(i + 1)),
      { ...ind(1, '2024-02-01T00:00:00.000Z') },
      {
        type: 'ipv4-addr',
        spec_version: '2.1',
        id: 'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4',
        value: '1.2.3.4',
      },
      ind(99, '2024-01-01T00:00:00.000Z', { object_marking_refs: [TLP_V2_MARKINGS.red] }),
    ];
    const status = await analyst.push(root, SHARED, objs);
    expect(status).toMatchObject({
      status: 'complete',
      total_count: 27,
      success_count: 27,
      failure_count: 0,
      pending_count: 0,
    });
    const again = await analyst.push(root, SHARED, objs.slice(0, 2));
    expect(again.successes?.map((s) => s['message'])).toEqual(['already present', 'already present']);
    expect((await analyst.status(root, status.id)).id).toBe(status.id);
    // A status resource is its poster's: another tenant, or another user, learns nothing from its id.
    const viewer = new TaxiiClient({ user: 'viewer', password: 'pw-v' });
    for (const other of [partner, viewer]) {
      await expect(other.status(root, status.id)).rejects.toMatchObject({ details: { status: 404 } });
    }

    const cursors = memoryCursors();
    const pages: [number, string | undefined, string | undefined][] = [];
    const pulled = await analyst.pull(root, SHARED, {
      cursors,
      pageSize: 25,
      onPage: (p) => pages.push([p.objects.length, p.dateAddedFirst, p.dateAddedLast]),
    });
    // limit is clamped to the server's page size (10); 26 latest versions (one id has two).
    expect(pulled.objects).toHaveLength(26);
    expect(pages.map((p) => p[0])).toEqual([10, 10, 6]);
    const manifest = (await (
      await fetch(`${root}collections/${SHARED}/manifest/?limit=10`, { headers: auth('analyst', 'pw-a') })
    ).json()) as {
      objects: { date_added: string; version: string }[];
    };
    expect(pages[0]?.[1]).toBe(manifest.objects[0]?.date_added);
    expect(pages[0]?.[2]).toBe(manifest.objects[9]?.date_added);

    // Resume: only what was added since the last pull.
    await analyst.push(root, SHARED, [ind(30), ind(31)]);
    const resumed = await analyst.pull(root, SHARED, { cursors, pageSize: 10 });
    expect(resumed.objects.map((o) => o['id'])).toEqual([ind(30).id, ind(31).id]);
  });

  it('validates posted objects one by one: invalid ones fail with a reason, valid ones are stored', async () => {
    const bad = [
      { ...ind(201), created: { $gt: 1 } },
      { ...ind(202), pattern: `${'('.repeat(3000)}[ipv4-addr:value = '1.2.3.4']${')'.repeat(3000)}` },
      { ...ind(203), id: 'indicator--not-a-uuid' },
    ];
    const status = await analyst.push(root, SHARED, [...bad, ind(204)]);
    expect(status).toMatchObject({ status: 'complete', success_count: 1, failure_count: 3 });
    const failures = status.failures?.map((f) => `${String(f['id'])} ${String(f['message'])}`) ?? [];
    expect(failures[0]).toMatch(/000000000201 .*created/);
    expect(failures[1]).toMatch(/000000000202 .*nests deeper/);
    expect(failures[2]).toMatch(/not-a-uuid/);
    const stored = await analyst.pull(root, SHARED, { cursors: memoryCursors(), pageSize: 100 });
    const ids = stored.objects.map((o) => String((o as { id: string }).id));
    expect(ids).toContain(ind(204).id);
    for (const b of bad) expect(ids).not.toContain(b.id);
  });

  it('filters by id, type, version and spec_version', async () => {
    const c = await analyst.collection(root, SHARED);
    const page = (f: Record<string, string>) => analyst.getObjects(root, c, f);
    expect((await page({ type: 'ipv4-addr' })).objects.map((o) => o['id'])).toEqual([
      'ipv4-addr--0198f97b-e65d-5025-87e5-58bc39d4bdb4',
    ]);
    expect((await page({ id: ind(1).id, version: 'all' })).objects.map((o) => o['modified'])).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
    ]);
    expect((await page({ id: ind(1).id, version: 'first' })).objects.map((o) => o['modified'])).toEqual([
      '2024-01-01T00:00:00.000Z',
    ]);
    expect((await page({ id: ind(1).id })).objects.map((o) => o['modified'])).toEqual(['2024-02-01T00:00:00.000Z']);
    expect((await page({ id: ind(1).id, version: '2024-01-01T00:00:00.000Z' })).objects).toHaveLength(1);
    expect((await page({ id: ind(1).id, spec_version: '2.0' })).objects).toHaveLength(0);
    expect(filterQuery({ added_after: 'x', limit: 5, type: ['a', 'b'] })).toBe(
      '?added_after=x&limit=5&match%5Btype%5D=a%2Cb',
    );
  });

  it('serves single objects, versions and deletes', async () => {
    const h = auth('analyst', 'pw-a');
    const one = (await (
      await fetch(`${root}collections/${SHARED}/objects/${ind(1).id}/?match[version]=all`, { headers: h })
    ).json()) as { objects: unknown[] };
    expect(one.objects).toHaveLength(2);
    const v = (await (
      await fetch(`${root}collections/${SHARED}/objects/${ind(1).id}/versions/`, { headers: h })
    ).json()) as { versions: string[] };
    expect(v.versions).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
    const del = await fetch(`${root}collections/${SHARED}/objects/${ind(2).id}/`, { method: 'DELETE', headers: h });
    expect(del.status).toBe(200);
    expect((await fetch(`${root}collections/${SHARED}/objects/${ind(2).id}/`, { headers: h })).status).toBe(404);
  });

  it('enforces TLP and write permissions for partners', async () => {
    const pulled = await partner.pull(root, SHARED, { pageSize: 10 });
    const ids = pulled.objects.map((o) => o['id']);
    expect(ids).not.toContain(ind(99).id);
    expect(ids).toContain(ind(3).id);
    await expect(partner.push(root, SHARED, [ind(50)])).rejects.toThrow(/not writable/);
    const raw = await fetch(`${root}collections/${SHARED}/objects/`, {
      method: 'POST',
      headers: { ...auth('peer1', 'pw-p'), 'Content-Type': TAXII_MEDIA_TYPE },
      body: JSON.stringify({ objects: [ind(50)] }),
    });
    expect(raw.status).toBe(403);
    const inbox = await partner.push(root, 'inbox', [ind(51)]);
    expect(inbox.success_count).toBe(1);
    await expect(partner.pull(root, 'inbox')).rejects.toThrow(/not readable/);
    expect(
      (await fetch(`${root}collections/64993447-4d7e-4f70-b94d-d7f33742ee63/`, { headers: auth('peer1', 'pw-p') }))
        .status,
    ).toBe(404);
  });

  it('accepts bearer tokens and answers the error cases with TAXII error resources', async () => {
    const token = new TaxiiClient({ token: 'tok-123' });
    expect((await token.collections(root)).length).toBe(3);
    const h = auth('analyst', 'pw-a');
    const status = async (url: string, init: RequestInit = {}) => {
      const r = await fetch(url, { ...init, headers: { ...h, ...(init.headers as Record<string, string>) } });
      const body = r.status === 200 ? {} : ((await r.json()) as { http_status?: string });
      return [r.status, r.headers.get('content-type'), body.http_status ?? ''];
    };
    expect((await fetch(base)).status).toBe(401);
    expect((await fetch(base)).headers.get('www-authenticate')).toMatch(/Basic/);
    expect(await status(`${base}nope/`)).toEqual([404, TAXII_MEDIA_TYPE, '404']);
    expect((await status(`${root}collections/nope/`))[0]).toBe(404);
    expect(
      (await status(`${root}collections/${SHARED}/objects/indicator--00000000-0000-4000-8000-999999999999/`))[0],
    ).toBe(404);
    expect((await status(`${root}status/nope/`))[0]).toBe(404);
    expect((await status(base, { headers: { Accept: 'application/taxii+json;version=2.0' } }))[0]).toBe(406);
    expect((await status(base, { headers: { Accept: 'application/taxii+json;version=2.1;charset=utf-8' } }))[0]).toBe(
      200,
    );
    const post = (body: string, type = TAXII_MEDIA_TYPE) =>
      status(`${root}collections/${SHARED}/objects/`, { method: 'POST', headers: { 'Content-Type': type }, body });
    expect((await post(JSON.stringify({ objects: [] }), 'application/json'))[0]).toBe(415);
    expect((await post(JSON.stringify(ind(60))))[0]).toBe(422);
    expect((await post(JSON.stringify({ objects: [ind(61)], pad: 'x'.repeat(250_000) })))[0]).toBe(413);
    expect((await status(`${root}collections/${SHARED}/objects/?limit=0`))[0]).toBe(400);
    expect((await status(`${root}collections/${SHARED}/objects/?limit=abc`))[0]).toBe(400);
    const first = (await (await fetch(`${root}collections/${SHARED}/objects/?limit=5`, { headers: h })).json()) as {
      next: string;
    };
    expect((await status(`${root}collections/${SHARED}/objects/?limit=5&next=${first.next}`))[0]).toBe(200);
    expect((await status(`${root}collections/${SHARED}/objects/?match[type]=indicator&next=${first.next}`))[0]).toBe(
      400,
    );
  });
});

function auth(user: string, password: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, Accept: TAXII_MEDIA_TYPE };
}
