/**
 * @module
 * Opening a PostgreSQL client (porsager/postgres) with the conventions of the store: 64-bit
 * integers come back as JavaScript numbers (epoch milliseconds and counts stay far below 2^53),
 * server notices are not printed, and connection failures become `STORAGE` errors.
 */
import postgres from 'postgres';
import { AppError } from '@intersoc/core';

/** A connection pool of the store. */
export type PgSql = postgres.Sql;

/** A transaction of the pool. */
export type PgTx = postgres.TransactionSql;

/** Options of `openPg`. */
export interface PgOptions {
  /** Connections in the pool (default 4). */
  readonly max?: number;
}

/** Opens a pool on `url` (`postgres://user@host:port/db`); nothing connects until the first query. */
export function openPg(url: string, opts: PgOptions = {}): PgSql {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new AppError('VALIDATION', `not a PostgreSQL URL: ${redact(url)}`);
  return postgres(url, {
    max: opts.max ?? 4,
    onnotice: () => {},
    connect_timeout: 10,
    connection: { application_name: 'intersoc' },
    types: {
      // int8 as number: the store's bigint columns are epoch ms, ids and counts.
      bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
  });
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

/** Wraps a driver error into a `STORAGE` error naming the store (never its password). */
export function storageError(url: string, what: string, err: unknown): AppError {
  const msg = err instanceof Error ? err.message : String(err);
  return new AppError('STORAGE', `${what} on ${redact(url)}: ${msg}`, { cause: err });
}
