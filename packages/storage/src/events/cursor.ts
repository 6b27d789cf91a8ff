/**
 * @module
 * Opaque pagination cursors (base64url JSON), validated on the way back in.
 */
import { AppError } from '@intersoc/core';

/** Position after which a search resumes. */
export interface Cursor {
  readonly tMax: number;
  readonly block: number;
  /** Matches of `block` already returned. */
  readonly skip: number;
  /** Alert id tie-breaker. */
  readonly id?: string;
}

/** Encodes a cursor. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** Decodes a cursor; throws VALIDATION for anything that is not one of ours. */
export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (
      typeof c.tMax === 'number' &&
      typeof c.block === 'number' &&
      typeof c.skip === 'number' &&
      c.skip >= 0 &&
      (c.id === undefined || typeof c.id === 'string')
    ) {
      return c as Cursor;
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('VALIDATION', 'invalid cursor');
}
