/**
 * @module
 * A throw-away PostgreSQL database for tests: `CREATE DATABASE intersoc_test_<random>` on the
 * server at `INTERSOC_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped
 * after. `undefined` when the server is unreachable, so tests can skip and say why.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A test database: its URL and how to drop it. */
export interface TestDb {
  readonly url: string;
  drop(): Promise<void>;
}

/** Where tests find PostgreSQL. */
export const TEST_PG_ADMIN = process.env['INTERSOC_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates a fresh database, or returns the reason it could not. */
export async function createTestDb(): Promise<TestDb | { unavailable: string }> {
  const admin = postgres(TEST_PG_ADMIN, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `intersoc_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    return { unavailable: `PostgreSQL at ${TEST_PG_ADMIN} is unreachable: ${(err as Error).message}` };
  }
  const url = new URL(TEST_PG_ADMIN);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}
