/**
 * @module
 * Pseudonymised triage: personal values shown as stable keyed pseudonyms (`user-7f3a09bc`,
 * `host-19c2e0aa`, `email-…`, `ip-…`). The HMAC is federation's `Pseudonymiser` under a key per
 * tenant, so the same value gets the same pseudonym in every view and correlation on pseudonyms
 * works unchanged. `PseudonymView.apply` rewrites any answer (events, alerts, incidents, cases):
 * it first collects the personal values the inventory finds in it (inventory fields, entity
 * lists, `users`/`hosts`/`ips` arrays, user profile paths, process nodes, entity pages), then
 * replaces every occurrence of them in every string, free text included, so a name in a message or
 * a title goes too. As a safeguard for answers whose shape it does not know (a route added later,
 * a field named differently), `apply` also takes the values the node knows for the tenant (asset
 * inventory, pseudonyms shown before, personal names) and replaces them wherever they occur.
 */
import { Pseudonymiser } from '@intersoc/federation';
import type { Inventory, PersonalKind, PersonalValue } from '../inventory/inventory.js';
import { valuesPattern } from '../subject/subject.js';

/** A pseudonym and what it stands for. */
export interface PseudonymEntry {
  readonly pseudonym: string;
  readonly kind: PersonalKind;
  readonly value: string;
}

/** Pseudonyms of one tenant. */
export class TenantPseudonyms {
  private readonly ps: Pseudonymiser;

  constructor(key: Uint8Array, tenant: string) {
    this.ps = new Pseudonymiser(key, `tenant:${tenant}`);
  }

  /** The pseudonym of a value (case-insensitive). */
  of(kind: PersonalKind, value: string): string {
    const p = this.ps.pseudonym('username', `${kind}\0${value.trim().toLowerCase()}`);
    return `${kind === 'path' ? 'user' : kind}-${p.slice(3, 11)}`;
  }
}

/** Entities and lists that name people or their machines, by key. */
const LIST_KINDS: Readonly<Record<string, PersonalKind>> = { users: 'user', hosts: 'host', ips: 'ip' };
const ENTITY_KINDS: Readonly<Record<string, PersonalKind>> = { user: 'user', host: 'host', ip: 'ip', email: 'email' };

/**
 * Keys of the API's own shapes that hold an inventory field under another name: process-tree
 * nodes (`commandLine`, and `user` beside it), entity pages and assets (`kind` + `name`), names.
 */
const KEY_FIELDS: Readonly<Record<string, string>> = {
  commandLine: 'process.command_line',
  userName: 'user.name',
  username: 'user.name',
  hostName: 'host.name',
  hostname: 'host.name',
  fullName: 'user.full_name',
  full_name: 'user.full_name',
  displayName: 'user.full_name',
};

/** True for a process node of a process tree (its `user` is an account, its `host` a machine). */
function isProcess(o: Readonly<Record<string, unknown>>): boolean {
  return 'commandLine' in o || 'executable' in o || 'parents' in o;
}

/** Rewrites answers for a caller who sees pseudonyms. */
export class PseudonymView {
  constructor(
    private readonly inventory: Inventory,
    private readonly pseudonyms: TenantPseudonyms,
  ) {}

  /** Personal values in a payload. */
  collect(payload: unknown): PersonalValue[] {
    const out: PersonalValue[] = [];
    const inv = this.inventory;
    const visit = (v: unknown, depth: number): void => {
      if (depth > 12 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const x of v) visit(x, depth + 1);
        return;
      }
      const o = v as Record<string, unknown>;
      const ek = typeof o['type'] === 'string' ? ENTITY_KINDS[o['type']] : undefined;
      if (ek && typeof o['value'] === 'string') out.push(...this.entity(ek, o['value']));
      // Entity pages and assets: `{ kind: 'user' | 'host', name }`.
      const nk = typeof o['kind'] === 'string' ? ENTITY_KINDS[o['kind']] : undefined;
      if (nk && typeof o['name'] === 'string') out.push(...this.entity(nk, o['name']));
      const process = isProcess(o);
      for (const [k, x] of Object.entries(o)) {
        const lk = LIST_KINDS[k];
        if (lk && Array.isArray(x)) {
          for (const s of x) if (typeof s === 'string') out.push(...this.entity(lk, s));
          continue;
        }
        if (typeof x === 'object') visit(x, depth + 1);
        else if (process && (k === 'user' || k === 'host') && typeof x === 'string') out.push(...this.entity(k, x));
        else out.push(...inv.valuesOf(KEY_FIELDS[k] ?? k, x));
      }
    };
    visit(payload, 0);
    return out;
  }

  private entity(kind: PersonalKind, value: string): PersonalValue[] {
    const inv = this.inventory;
    switch (kind) {
      case 'user':
        return inv.valuesOf('user.name', value);
      case 'host':
        return inv.isWorkstation(value) ? inv.valuesOf('host.name', value) : [];
      case 'ip':
        return inv.isInternalIp(value) ? [{ field: 'ip', kind: 'ip', value }] : [];
      default:
        return inv.valuesOf('email.address', value);
    }
  }

  /**
   * The payload with every personal value replaced by its pseudonym, and the pseudonyms used.
   * `known`: values the node knows for the tenant, replaced wherever they occur even when no
   * inventory field of the payload holds them.
   */
  apply<T>(payload: T, known: readonly PersonalValue[] = []): { value: T; used: PseudonymEntry[] } {
    // Users and hosts are replaced by their bare name (`kschmidt`, `WKS-04`), so every spelling
    // (`CORP\kschmidt`, `kschmidt@CORP`, `WKS-04.corp.example.com`) shows the same pseudonym.
    const byValue = new Map<string, PseudonymEntry>();
    for (const v of [...this.collect(payload), ...known]) {
      if (v.kind === 'user' && /[\\@(]/.test(v.value)) continue;
      if (v.kind === 'host' && v.value.includes('.')) continue;
      const key = v.value.toLowerCase();
      if (byValue.has(key) || v.value.length < 2) continue;
      const kind = v.kind === 'path' ? 'user' : v.kind;
      byValue.set(key, { pseudonym: this.pseudonyms.of(kind, v.value), kind, value: v.value });
    }
    if (byValue.size === 0) return { value: payload, used: [] };
    const re = valuesPattern([...byValue.values()].map((e) => e.value)) as RegExp;
    const hit = new Set<string>();
    const swap = (s: string): string => {
      re.lastIndex = 0;
      return s.replace(re, (m) => {
        const e = byValue.get(m.toLowerCase());
        if (!e) return m;
        hit.add(e.value.toLowerCase());
        return e.pseudonym;
      });
    };
    const walk = (v: unknown, depth: number): unknown => {
      if (typeof v === 'string') return swap(v);
      if (depth > 16 || v === null || typeof v !== 'object') return v;
      if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, depth + 1);
      return out;
    };
    const value = walk(payload, 0) as T;
    return { value, used: [...byValue.values()].filter((e) => hit.has(e.value.toLowerCase())) };
  }
}
