/**
 * @module
 * Renaming a scenario's hosts and users per trainee, so two trainees of one exercise see
 * different names and cannot copy each other's answers. The map is drawn from a seed (the run
 * id), keeps each name's shape (`WKS-03` becomes `WKS-417`, `dwalsh` becomes `mkovac`, and
 * `adm-dwalsh` follows as `adm-mkovac`), and is applied to raw records as text: a name is
 * replaced wherever it stands as a whole word (also right after a JSON escape such as `\t`),
 * in any case, keeping that case. auditd's hex-encoded fields (`proctitle=`, `cmd=`, `a0=`) are
 * decoded, renamed and encoded again. Built-in accounts (`root`, `Administrator`, `SYSTEM`...)
 * keep their names: they are the same in every organisation.
 */
import { createHash } from 'node:crypto';

/** Accounts every organisation has; renaming them would only confuse. */
const BUILTIN = new Set([
  'administrator',
  'admin',
  'root',
  'system',
  'guest',
  'nobody',
  'daemon',
  'krbtgt',
  'defaultaccount',
  'local service',
  'network service',
  'anonymous logon',
  'www-data',
  'sshd',
  'postgres',
  'mysql',
  'backup',
  'cron',
  'syslog',
]);

const SURNAMES = (
  'adler baker barros becker blanco bianchi costa dahl duarte eriksen fabre falk fischer fontaine garcia gomes ' +
  'haas hansen horvat ivanov jansen kaya keller kovac kowalski krause lange larsen laurent lopez lund maier ' +
  'marino martin meyer molnar moreau nagy navarro nilsen novak olsen ortega paris peeters perez petit popa ' +
  'quinn ramos reyes ricci roth rossi ruiz santos schmid silva simon sousa stein suarez toth varga vidal vogel ' +
  'walter weiss wolf zeller zima brandt carlsen dumont eklund ferrari gallo hadzic ilic jovanovic kral lindqvist'
).split(' ');
const WORDS = (
  'amber birch cedar delta ember falcon granite harbor indigo juniper kestrel lumen maple nimbus onyx pine quartz ' +
  'raven sable tundra umber vale willow yarrow zephyr aster basil coral dune fern grove heron iris jade'
).split(' ');

/** A seeded generator (mulberry32 over a SHA-256 of the seed). */
function prng(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a renamer is built from. */
export interface RenameInput {
  readonly seed: string;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
}

/** Renames the names of one scenario for one trainee. */
export class Renamer {
  /** Lower-case original → new name (in the original's case style). */
  readonly map: ReadonlyMap<string, string>;
  private readonly re: RegExp | undefined;

  constructor(input: RenameInput) {
    const rand = prng(input.seed);
    const map = new Map<string, string>();
    const taken = new Set<string>();
    for (const n of [...input.hosts, ...input.users]) taken.add(n.toLowerCase());
    const claim = (make: () => string): string => {
      for (let i = 0; i < 1000; i++) {
        const v = make();
        if (!taken.has(v.toLowerCase())) {
          taken.add(v.toLowerCase());
          return v;
        }
      }
      throw new Error('no free name');
    };
    const hosts = [...new Set(input.hosts.map((h) => h.split('.')[0] ?? h))].filter(
      (h) => h.length >= 3 && !/^\d+(\.\d+){3}$/.test(h),
    );
    for (const h of hosts.sort()) {
      if (map.has(h.toLowerCase())) continue;
      const m = /^([A-Za-z]+)([-_]?)(\d*)$/.exec(h);
      const prefix = (m?.[1] ?? h.replace(/[^A-Za-z]/g, '').slice(0, 4)) || 'host';
      const sep = m?.[2] || '-';
      map.set(
        h.toLowerCase(),
        claim(() => `${prefix}${sep}${100 + Math.floor(rand() * 900)}`),
      );
    }
    const users = [...new Set(input.users)].filter((u) => u.length >= 3 && !BUILTIN.has(u.toLowerCase()));
    const lower = new Set(users.map((u) => u.toLowerCase()));
    for (const u of users.sort()) {
      const key = u.toLowerCase();
      if (map.has(key)) continue;
      // adm-<name>, svc_<name>: renamed through their base name.
      const compound = /^[a-z]+[-_](.+)$/i.exec(u);
      if (compound && lower.has((compound[1] as string).toLowerCase())) continue;
      if (/^[a-z]+$/i.test(u)) {
        map.set(
          key,
          claim(() => `${pick(rand, 'abcdefghijklmnoprstvz'.split(''))}${pick(rand, SURNAMES)}`),
        );
      } else {
        // sqlsvc_adm, mysql-adm: the first word changes, the shape stays.
        const parts = u.split(/([-_.])/);
        map.set(
          key,
          claim(() => [pick(rand, WORDS), ...parts.slice(1)].join('')),
        );
      }
    }
    this.map = map;
    const names = [...map.keys()].sort((a, b) => b.length - a.length).map(escape);
    this.re =
      names.length === 0
        ? undefined
        : new RegExp(`(?<=^|[^A-Za-z0-9_]|\\\\[nrt])(${names.join('|')})(?![A-Za-z0-9_])`, 'gi');
  }

  private replaceOne(found: string): string {
    const to = this.map.get(found.toLowerCase());
    if (to === undefined) return found;
    if (found === found.toUpperCase() && found !== found.toLowerCase()) return to.toUpperCase();
    if (found === found.toLowerCase()) return to.toLowerCase();
    return to;
  }

  /** `text` with every name replaced. */
  text(text: string): string {
    if (!this.re) return text;
    return text.replace(this.re, (m) => this.replaceOne(m));
  }

  /** A raw record of a format with every name replaced (auditd's hex fields included). */
  record(format: string, raw: string): string {
    const out = this.text(raw);
    if (format !== 'auditd') return out;
    return out.replace(/\b(proctitle|cmd|a\d+)=([0-9A-F]{6,})\b/g, (m, key: string, hex: string) => {
      if (hex.length % 2 !== 0) return m;
      const decoded = Buffer.from(hex, 'hex').toString('latin1');
      // Only text (NUL-separated arguments included) is re-encoded.
      if (!/^[\x20-\x7e\0]+$/.test(decoded)) return m;
      const renamed = this.text(decoded.replaceAll('\0', '\u0001')).replaceAll('\u0001', '\0');
      return renamed === decoded ? m : `${key}=${Buffer.from(renamed, 'latin1').toString('hex').toUpperCase()}`;
    });
  }

  /** Names as the trainee sees them (`name(x)` = `text(x)`, for answers). */
  name(n: string): string {
    return this.text(n);
  }
}
