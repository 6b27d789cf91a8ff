/**
 * @module
 * Exactly one event writer per data folder. Two writers on one store collide on block ids and
 * lose events silently, so the writer holds an exclusive lock for its whole life.
 *
 * The lock is an exclusive SQLite transaction on `<data>/writer.lock`: the kernel releases
 * SQLite's POSIX locks when the process dies (even on SIGKILL), so there is never a stale lock
 * to clean up, and SQLite also sees conflicts between two connections of one process. Beside
 * it, `<data>/writer.json` says who holds it (pid, command, how to reach it) so that a refused
 * command can tell the user, or hand its work over.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '@intersoc/core';

/** File whose exclusive lock marks the data folder's single writer. */
export const WRITER_LOCK_FILE = 'writer.lock';
/** Who holds the lock: {@link WriterInfo} as JSON. */
export const WRITER_INFO_FILE = 'writer.json';

/** What the holder of the writer lock publishes about itself. */
export interface WriterInfo {
  readonly pid: number;
  /** The command that holds the lock (`serve`, `ingest`, `demo`, ...). */
  readonly command: string;
  readonly started: number;
  /** HTTP address of a serving node. */
  readonly url?: string;
  /** Local control socket of a serving node (owner-only), for CLI hand-over. */
  readonly control?: string;
}

/** A held writer lock. */
export interface WriterLock {
  /** Publishes more about the holder (e.g. the URL once the API listens). */
  update(info: Partial<WriterInfo>): void;
  release(): void;
}

/** Reads who holds the writer lock of `dataDir`, if anyone says so. */
export function readWriterInfo(dataDir: string): WriterInfo | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dataDir, WRITER_INFO_FILE), 'utf8')) as WriterInfo;
  } catch {
    return undefined;
  }
}

/**
 * Takes the writer lock of `dataDir` or throws AppError `CONFLICT` naming the holder.
 */
export function acquireWriterLock(dataDir: string, command: string): WriterLock {
  const file = path.join(dataDir, WRITER_LOCK_FILE);
  mkdirSync(dataDir, { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw new AppError('STORAGE', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    // Rollback journal, exclusive locking mode: the lock stays with this connection until it closes.
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      const holder = readWriterInfo(dataDir);
      const who = holder
        ? `\`intersoc ${holder.command}\` (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''})`
        : 'another process';
      throw new AppError(
        'CONFLICT',
        `the data folder ${path.resolve(dataDir)} is in use by ${who}; only one writer may use it at a time`,
        {
          cause: err,
          details: holder ? { holder: { ...holder } } : {},
        },
      );
    }
    throw new AppError('STORAGE', `cannot lock ${file}: ${(err as Error).message}`, { cause: err });
  }
  let info: WriterInfo = { pid: process.pid, command, started: Date.now() };
  const publish = (): void => {
    const tmp = path.join(dataDir, `${WRITER_INFO_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
    renameSync(tmp, path.join(dataDir, WRITER_INFO_FILE));
  };
  publish();
  let held = true;
  return {
    update(more) {
      info = { ...info, ...more };
      if (held) publish();
    },
    release() {
      if (!held) return;
      held = false;
      rmSync(path.join(dataDir, WRITER_INFO_FILE), { force: true });
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}
