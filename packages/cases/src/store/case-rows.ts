/**
 * @module
 * What the SQLite and PostgreSQL case stores share: the listing cursor, the search text and the
 * LIKE pattern of a text filter.
 */
import { AppError } from '@intersoc/core';
import type { Case } from '../cases/types.js';

export function encodeCursor(created: number, id: string): string {
  return Buffer.from(JSON.stringify([created, id])).toString('base64url');
}

export function decodeCursor(s: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor');
}

/** The lower-cased text `q` searches: number, id, title, description, tags, assignee. */
export function searchText(c: Case): string {
  return [`#${c.number}`, c.id, c.title, c.description, ...c.tags, c.assignee ?? ''].join(' ').toLowerCase();
}

/** `q` as a LIKE pattern with `\` as the escape character. */
export function likePattern(q: string): string {
  return `%${q
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
