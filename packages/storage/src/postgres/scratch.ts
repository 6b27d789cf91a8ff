/**
 * @module
 * Throw-away PostgreSQL databases for tests and benchmarks: `CREATE DATABASE <prefix>_<random>`
 * on the server at `INTERSOC_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`),
 * dropped after. When the server is unreachable it says why, so tests can skip and say so.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A scratch database: its URL and how to drop it. */
export interface ScratchDb {
  readonly url: string;
  drop(): Promise<void>;
}

/** Where tests and benchmarks find PostgreSQL. */
export const SCRATCH_PG_ADMIN = process.env['INTERSOC_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates a fresh database named `<prefix>_<random>`, or returns the reason it could not. */
export async function createScratchDb(prefix = 'intersoc_test'): Promise<ScratchDb | { unavailable: string }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix ${prefix}`);
  const admin = postgres(SCRATCH_PG_ADMIN, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (err) {
    await admin.end({ timeout: 1 });
    return { unavailable: `PostgreSQL at ${SCRATCH_PG_ADMIN} is unreachable: ${(err as Error).message}` };
  }
  const url = new URL(SCRATCH_PG_ADMIN);
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
