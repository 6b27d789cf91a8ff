/**
 * @module
 * MISP warninglists: known false positives (RFC 1918 space, public resolvers, empty-file
 * hashes, URL shorteners, ...) that must not become indicators. All five list types: `string`
 * (exact), `substring`, `hostname` (the host or any subdomain of it), `cidr` and `regex` (RE2).
 * A list applies to the attribute types in its `matching_attributes`, or to every value when
 * no type is given.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { maskV4, maskV6, parseIPv4, parseIPv6, parseNetwork } from '../indicators/ip.js';

/** A warninglist as published. */
export const WarninglistSchema = z.looseObject({
  name: z.string(),
  type: z.enum(['string', 'substring', 'hostname', 'cidr', 'regex']),
  list: z.array(z.string()),
  matching_attributes: z.array(z.string()).optional(),
  description: z.string().optional(),
  version: z.number().optional(),
});
/** A warninglist. */
export type Warninglist = z.infer<typeof WarninglistSchema>;

interface Compiled {
  readonly name: string;
  readonly types: ReadonlySet<string> | undefined;
  test(value: string): boolean;
}

function hostOf(value: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^:/?#]+)/.exec(value);
  return (m ? (m[1] as string) : value).replace(/\.$/, '').toLowerCase();
}

function compile(list: Warninglist): Compiled {
  const types =
    list.matching_attributes && list.matching_attributes.length > 0 ? new Set(list.matching_attributes) : undefined;
  const name = list.name;
  switch (list.type) {
    case 'string': {
      const set = new Set(list.list.map((s) => s.toLowerCase()));
      return { name, types, test: (v) => set.has(v.toLowerCase()) };
    }
    case 'substring': {
      const subs = list.list.map((s) => s.toLowerCase());
      return { name, types, test: (v) => subs.some((s) => v.toLowerCase().includes(s)) };
    }
    case 'hostname': {
      const set = new Set(list.list.map((s) => s.replace(/\.$/, '').toLowerCase()));
      return {
        name,
        types,
        test: (v) => {
          const h = hostOf(v);
          if (set.has(h)) return true;
          for (let i = h.indexOf('.'); i >= 0; i = h.indexOf('.', i + 1)) if (set.has(h.slice(i + 1))) return true;
          return false;
        },
      };
    }
    case 'cidr': {
      const v4 = new Map<number, Set<number>>();
      const v6 = new Map<number, Set<bigint>>();
      for (const entry of list.list) {
        const n = parseNetwork(entry.trim());
        if (!n) continue;
        if (n.family === 4) (v4.get(n.prefix) ?? v4.set(n.prefix, new Set()).get(n.prefix))?.add(n.base);
        else (v6.get(n.prefix) ?? v6.set(n.prefix, new Set()).get(n.prefix))?.add(n.base);
      }
      return {
        name,
        types,
        test: (v) => {
          const ip = v.split('/')[0] as string;
          const a = parseIPv4(ip);
          if (a !== undefined) {
            for (const [len, set] of v4) if (set.has(maskV4(a, len))) return true;
            return false;
          }
          const b = parseIPv6(ip);
          if (b === undefined) return false;
          for (const [len, set] of v6) if (set.has(maskV6(b, len))) return true;
          return false;
        },
      };
    }
    case 'regex': {
      const res = list.list.flatMap((s) => {
        const body = /^\/(.*)\/([a-z]*)$/s.exec(s);
        try {
          return [RE2JS.compile(body ? (body[1] as string) : s, body?.[2]?.includes('i') ? RE2JS.CASE_INSENSITIVE : 0)];
        } catch {
          return [];
        }
      });
      return { name, types, test: (v) => res.some((r) => r.test(v)) };
    }
    default:
      return { name, types, test: () => false };
  }
}

/** Parts of a composite MISP value that a list is checked against (`domain|ip` → both). */
function partsOf(type: string | undefined, value: string): string[] {
  if (type?.includes('|')) return value.split('|');
  return [value];
}

/** A set of compiled warninglists. */
export class WarninglistIndex {
  private readonly lists: Compiled[];

  constructor(lists: readonly Warninglist[]) {
    this.lists = lists.map(compile);
  }

  /** Number of lists. */
  get size(): number {
    return this.lists.length;
  }

  /** Names of the lists a value is on; `type` restricts to lists that apply to that attribute type. */
  check(value: string, type?: string): string[] {
    const out: string[] = [];
    for (const l of this.lists) {
      if (type !== undefined && l.types && !l.types.has(type)) continue;
      if (partsOf(type, value).some((p) => l.test(p))) out.push(l.name);
    }
    return out;
  }
}

/** Loads every `list.json` under a directory (the misp-warninglists `lists/` layout). */
export function loadWarninglists(dir: string): Warninglist[] {
  const out: Warninglist[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'list.json') {
        const parsed = WarninglistSchema.safeParse(JSON.parse(readFileSync(p, 'utf8')));
        if (parsed.success) out.push(parsed.data);
      }
    }
  };
  walk(dir);
  return out;
}
