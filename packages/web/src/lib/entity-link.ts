/**
 * @module
 * Where an entity link on an alert points: the search query for the field that holds the
 * entity's value. Ingest stores one entity model (short lower-case `host.name`, `user.name` +
 * `user.domain`, `process.executable` / `process.name`, `process.parent.*`, one field per hash
 * kind), so a link first looks for the value in the alert's own events, in the fields that model
 * names for the entity's type and role, then anywhere in those events, and only then falls back to
 * the type's usual field (or the `host:` / `user:` aliases, which match any spelling).
 */
import type { Entity, SocEvent } from '../api/types';
import { quoteValue } from './query-complete';

type Ecs = SocEvent['ecs'];

/** `WKS-03.corp.example.com`, `CORP\WKS-03$` → `wks-03`; addresses stay as they are. */
export function shortHost(value: string): string {
  let v = value.trim().toLowerCase();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || (v.includes(':') && /^[0-9a-f:.]+$/.test(v))) return v;
  const slash = v.lastIndexOf('\\');
  if (slash >= 0) v = v.slice(slash + 1);
  if (v.endsWith('$')) v = v.slice(0, -1);
  const dot = v.indexOf('.');
  return dot > 0 && dot < v.length - 1 ? v.slice(0, dot) : v;
}

/** `CORP\rconti` and `rconti@corp` → account and domain; `rconti` → account only. */
export function splitUser(value: string): { name: string; domain?: string } {
  const v = value.trim();
  const slash = v.indexOf('\\');
  if (slash > 0 && slash < v.length - 1) return { name: v.slice(slash + 1), domain: v.slice(0, slash) };
  const at = v.lastIndexOf('@');
  if (at > 0 && at < v.length - 1 && v.indexOf('@') === at) return { name: v.slice(0, at), domain: v.slice(at + 1) };
  return { name: v };
}

const HASH_LENGTHS: Readonly<Record<number, string>> = { 32: 'md5', 40: 'sha1', 64: 'sha256' };

/** The ECS fields that hold an entity of this type and role, most specific first. */
export function entityFields(e: Entity): string[] {
  const role = e.role ?? '';
  switch (e.type) {
    case 'host':
      return ['host.name', 'host.hostname'];
    case 'user':
      return role === 'target' ? ['user.target.name', 'user.name'] : ['user.name', 'user.target.name'];
    case 'ip':
      return role === 'destination'
        ? ['destination.ip', 'source.ip', 'host.ip']
        : ['source.ip', 'destination.ip', 'host.ip'];
    case 'process': {
      const own = ['process.executable', 'process.name'];
      const parent = ['process.parent.executable', 'process.parent.name'];
      return role === 'parent' ? parent : role === 'target' ? [] : [...own, ...parent];
    }
    case 'file':
      return ['file.path', 'process.executable'];
    case 'hash': {
      const kind = role === 'imphash' ? 'imphash' : (HASH_LENGTHS[e.value.trim().length] ?? role);
      return kind === 'imphash'
        ? ['process.pe.imphash', 'file.pe.imphash']
        : kind
          ? [`process.hash.${kind}`, `file.hash.${kind}`]
          : [];
    }
    case 'registry':
      return ['registry.path'];
    case 'domain':
      return ['dns.question.name'];
    case 'url':
      return ['url.full'];
    default:
      return [];
  }
}

function same(a: unknown, b: string): boolean {
  return (typeof a === 'string' || typeof a === 'number') && String(a).toLowerCase() === b.toLowerCase();
}

function term(field: string, value: string): string {
  return `${field}:${quoteValue(value)}`;
}

/** The value as the entity model stores it (short host, bare account). */
function modelValue(e: Entity): string {
  if (e.type === 'host') return shortHost(e.value);
  if (e.type === 'user') return splitUser(e.value).name;
  if (e.type === 'hash') return e.value.trim().toLowerCase();
  return e.value.trim();
}

/** A user term, with the domain when the event that holds the account names the same domain. */
function userTerm(field: string, name: string, domain: string | undefined, ecs: Ecs): string {
  const t = term(field, name);
  if (domain === undefined || field !== 'user.name') return t;
  const d = ecs['user.domain'];
  return typeof d === 'string' && d.toLowerCase() === domain.toLowerCase() ? `${t} AND ${term('user.domain', d)}` : t;
}

/**
 * The search query an entity link opens: a field that holds the value in the alert's events,
 * else the type's usual field.
 *
 * @example
 * entityQuery({ type: 'user', value: 'FS-01\\Administrator' }, events)
 * // 'user.name:Administrator AND user.domain:FS-01'
 */
export function entityQuery(e: Entity, events: readonly SocEvent[]): string {
  const value = modelValue(e);
  const fields = entityFields(e);
  const domain = e.type === 'user' ? splitUser(e.value).domain : undefined;
  // 1. The entity model's fields, in the alert's own events.
  for (const f of fields) {
    for (const ev of events) {
      const v = ev.ecs[f];
      if (same(v, value) || same(v, e.value)) return userTerm(f, String(v), domain, ev.ecs);
    }
  }
  // 2. Any field of those events that holds the value (ECS first, then the original fields).
  for (const ev of events) {
    for (const [f, v] of Object.entries(ev.ecs)) if (same(v, e.value) || same(v, value)) return term(f, String(v));
  }
  for (const ev of events) {
    for (const [f, v] of Object.entries(ev.fields)) if (same(v, e.value)) return term(f, String(v));
  }
  // 3. Not in these events (a remote host, a target account): the type's usual field.
  if (e.type === 'host') return term('host', e.value);
  if (e.type === 'user') return term('user', e.value);
  const first = fields[0];
  if (first === undefined) return quoteValue(e.value);
  if (fields.length === 1) return term(first, value);
  return `(${fields.map((f) => term(f, value)).join(' OR ')})`;
}
