/**
 * TAXII clients authenticate with HTTP Basic on every request: the node's TAXII server must put
 * those password checks through the login throttle, answering 429 to a flood of guesses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';
import { startNode, type RunningNode } from './server.js';

const PASSWORD = 'taxii client passphrase';
let dir: string;
let node: RunningNode;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'intersoc-taxii-auth-'));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  for (const name of ['feeder', 'reader']) {
    await stores.users.create(systemContext(DEFAULT_TENANT), { name, role: 'analyst', password: PASSWORD });
  }
  db.close();
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { enabled: false },
    ingest: { workers: 0 },
    log: { level: 'silent' },
  });
  node = await startNode(config, { say: () => undefined });
});

afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(user: string, password: string): Promise<Response> {
  return fetch(`${node.url}/taxii2/default/collections/`, {
    headers: {
      accept: 'application/taxii+json;version=2.1',
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    },
  });
}

describe('TAXII Basic authentication', () => {
  it('throttles 60 concurrent guesses with 429 and Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => get('feeder', `guess ${i} of many`)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(55);
    expect(answers.find((r) => r.status === 429)?.headers.get('retry-after')).toMatch(/^\d+$/);
    await Promise.all(answers.map((r) => r.arrayBuffer()));
  });

  it('serves a client with the right password, repeatedly', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await get('reader', PASSWORD);
      expect(r.status).toBe(200);
      await r.arrayBuffer();
    }
  });
});
