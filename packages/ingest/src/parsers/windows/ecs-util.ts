/**
 * @module
 * Small helpers shared by the Windows ECS projections.
 */
import type { FlatFields } from '@intersoc/core';
import { putEcs, setEcs } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';

/** Sets user.name (and user.domain) unless a user is already set or the name is empty/`-`. */
export function putUser(ecs: EcsBuilder, name: unknown, domain: unknown): void {
  if (ecs['user.name'] !== undefined || typeof name !== 'string' || name.length === 0 || name === '-') return;
  setEcs(ecs, 'user.name', name);
  putEcs(ecs, 'user.domain', domain);
}

/** `CN=John,OU=...` → John; a SID-only member gives undefined. */
export function memberName(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.startsWith('CN=')) return undefined;
  const end = v.indexOf(',');
  return v.slice(3, end < 0 ? v.length : end);
}

/** Joins a share path and a relative name with one backslash. */
export function joinWin(dir: string, rel: string): string {
  const base = dir.startsWith('\\??\\') ? dir.slice(4) : dir;
  return base.endsWith('\\') ? base + rel : base + '\\' + rel;
}

/** A field's text: strings as they are, arrays of strings joined by newlines. */
export function pick(v: FlatFields[string] | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join('\n');
  return undefined;
}

/** The rest of the line from `start`, trimmed. */
export function lineAt(text: string, start: number): string {
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  // trim() also drops the CR of a CRLF line end.
  return text.slice(start, end).trim();
}

/** Lower-cased non-empty text, else undefined. */
export function lower(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.toLowerCase() : undefined;
}
