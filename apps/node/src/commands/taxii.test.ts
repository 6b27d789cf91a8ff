import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemContext } from '@intersoc/core';
import { openSqliteTaxiiBackend, taxiiServer } from '@intersoc/cti';
import { register } from './taxii.js';

const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-taxii-'));
let app: FastifyInstance;
let root: string;

beforeAll(async () => {
  const backend = openSqliteTaxiiBackend(':memory:', [{ name: 'default', title: 'default', maxContentLength: 1000 }]);
  backend.putCollection({
    apiRoot: 'default',
    id: '91a7b528-80eb-42ed-a74d-c6fbd5a26116',
    alias: 'shared',
    title: 'shared',
    mediaTypes: ['application/stix+json;version=2.1'],
    acl: { tenant: 'acme', read: [], write: [] },
  });
  app = Fastify();
  const ctx = systemContext('acme');
  await app.register(taxiiServer, {
    prefix: '/taxii2',
    backend,
    maxPageSize: 3,
    authenticate: async (r) => (r.authorization === `Basic ${Buffer.from('u:p').toString('base64')}` ? ctx : undefined),
  });
  root = `${await app.listen({ port: 0, host: '127.0.0.1' })}/taxii2/default/`;
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** What the last command wrote to stderr. */
let stderr = '';

async function taxii(args: string[]): Promise<string> {
  let out = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    stderr += String(c);
    return true;
  });
  const program = new Command('intersoc').exitOverride();
  register(program);
  await program.parseAsync(['node', 'intersoc', 'taxii', ...args]);
  return out;
}

const ind = (n: number) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  created: '2024-01-01T00:00:00.000Z',
  modified: '2024-01-01T00:00:00.000Z',
  pattern: `[ipv4-addr:value = '198.51.100.${n}']`,
  pattern_type: 'stix',
  valid_from: '2024-01-01T00:00:00Z',
});

describe('intersoc taxii', () => {
  it('pushes in envelopes within max_content_length and pulls with resume', async () => {
    const file = path.join(dir, 'bundle.json');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'bundle',
        id: 'bundle--00000000-0000-4000-8000-000000000000',
        objects: [1, 2, 3, 4, 5, 6, 7].map(ind),
      }),
    );
    const auth = ['--user', 'u', '--password', 'p', '--json'];
    const pushed = JSON.parse(await taxii(['push', root, file, '--collection', 'shared', ...auth])) as {
      envelopes: number;
      success: number;
    };
    expect(pushed.success).toBe(7);
    expect(pushed.envelopes).toBeGreaterThan(1);
    const state = path.join(dir, 'state.json');
    const out = path.join(dir, 'pulled.json');
    const first = JSON.parse(
      await taxii(['pull', root, '--collection', 'shared', '--state', state, '--out', out, ...auth]),
    ) as { objects: number; pages: number };
    expect(first).toMatchObject({ objects: 7, pages: 3 });
    expect((JSON.parse(readFileSync(out, 'utf8')) as { objects: unknown[] }).objects).toHaveLength(7);
    writeFileSync(file, JSON.stringify([ind(8)]));
    await taxii(['push', root, file, '--collection', 'shared', ...auth]);
    const second = JSON.parse(
      await taxii(['pull', root, '--collection', 'shared', '--state', state, '--out', out, ...auth]),
    ) as { objects: number };
    expect(second.objects).toBe(1);
  });
});

describe('intersoc taxii push of a folder', () => {
  it('skips files that are not STIX, says which and why, and pushes the rest', async () => {
    const folder = mkdtempSync(path.join(dir, 'push-'));
    writeFileSync(path.join(folder, 'README.md'), '# Indicators\n\nShared with partners.\n');
    writeFileSync(path.join(folder, 'a.json'), JSON.stringify({ type: 'bundle', id: 'bundle--1', objects: [ind(21)] }));
    writeFileSync(path.join(folder, 'b.json'), JSON.stringify(ind(22)));
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    const auth = ['--user', 'u', '--password', 'p'];
    const human = await taxii(['push', root, folder, '--collection', 'shared', ...auth]);
    expect(human).toContain('pushed 2 objects');
    expect(stderr).toMatch(/skipped .*README\.md: not JSON/);
    expect(stderr).toMatch(/skipped .*package\.json: not a STIX object or bundle/);
    const json = JSON.parse(await taxii(['push', root, folder, '--collection', 'shared', ...auth, '--json'])) as {
      objects: number;
      success: number;
      skipped: { path: string; reason: string }[];
    };
    expect(json.objects).toBe(2);
    expect(json.success).toBe(2);
    expect(json.skipped.map((s) => path.basename(s.path))).toEqual(['README.md', 'package.json']);
    const empty = mkdtempSync(path.join(dir, 'empty-'));
    writeFileSync(path.join(empty, 'README.md'), '# nothing here\n');
    await expect(taxii(['push', root, empty, '--collection', 'shared', ...auth])).rejects.toThrow(/no STIX objects/);
  });
});
