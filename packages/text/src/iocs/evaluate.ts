/**
 * @module
 * Measuring indicator extraction on defanged and obfuscated prose. Real indicator values (the
 * MISP example events of the shared corpus: addresses, domains, URLs, hashes, file names) and
 * generated ones for the types those lack (e-mail addresses, CVE ids, Bitcoin addresses with
 * valid checksums, IPv6, registry keys with either hive spelling) are written into sentences in
 * the defanged forms reports use (`[.]`, `(dot)`, `hxxp`, `[:]//`, `[at]`, full-width dots),
 * wrapped in quotes, brackets, code spans and trailing punctuation, beside decoys that look like
 * indicators and are not (versions, times, section numbers, `e.g.`, `Node.js`, `System.Net`).
 * Precision and recall are counted over distinct (type, value) pairs per document.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildDocument } from '../document/build.js';
import { extractIocs } from './extract.js';
import type { IocType } from './types.js';

/** One generated document and the indicators it holds. */
export interface IocCase {
  readonly text: string;
  readonly expected: readonly { readonly type: IocType; readonly value: string }[];
}

/** Precision and recall over documents. */
export interface IocFigures {
  readonly documents: number;
  readonly expected: number;
  readonly found: number;
  readonly truePositives: number;
  readonly precision: number;
  readonly recall: number;
  /** Misses and false finds, a few of each, for reading. */
  readonly misses: readonly string[];
  readonly falseFinds: readonly string[];
  readonly byType: Readonly<Record<string, { readonly expected: number; readonly tp: number; readonly found: number }>>;
}

const MISP_TYPES: Readonly<Record<string, IocType>> = {
  'ip-dst': 'ipv4-addr',
  'ip-src': 'ipv4-addr',
  domain: 'domain-name',
  hostname: 'domain-name',
  url: 'url',
  link: 'url',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha512: 'sha512',
  filename: 'file-name',
};

/** Indicator values of the MISP events under `dir` (recursively), by our type. */
export function mispValues(dir: string): Map<IocType, string[]> {
  const out = new Map<IocType, Set<string>>();
  const walk = (o: unknown): void => {
    if (Array.isArray(o)) for (const v of o) walk(v);
    else if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      const t = typeof r['type'] === 'string' ? MISP_TYPES[r['type']] : undefined;
      if (t && typeof r['value'] === 'string' && typeof r['category'] === 'string') {
        const v = r['value'].trim();
        // A file name is told from prose by its extension; with spaces it merges with the words around it.
        if (!(t === 'file-name' && (/\s/.test(v) || !/\.[A-Za-z0-9]{1,8}$/.test(v))))
          (out.get(t) ?? out.set(t, new Set()).get(t))?.add(v);
      }
      for (const v of Object.values(r)) walk(v);
    }
  };
  const files = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((n) => {
        const p = path.join(d, n);
        return statSync(p).isDirectory() ? files(p) : n.endsWith('.json') ? [p] : [];
      });
  for (const f of files(dir)) {
    try {
      walk(JSON.parse(readFileSync(f, 'utf8')));
    } catch {
      // Not JSON: not an event.
    }
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}

/** A seeded generator. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4_294_967_296;
  };
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58check(payload: Buffer): string {
  const sum = createHash('sha256').update(createHash('sha256').update(payload).digest()).digest();
  const bytes = Buffer.concat([payload, sum.subarray(0, 4)]);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let s = '';
  while (n > 0n) {
    s = (B58[Number(n % 58n)] as string) + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = `1${s}`;
  }
  return s;
}

/** Defanged spellings of a value of a type. */
function defang(type: IocType, v: string, r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const dot = (): string => pick(['[.]', '[.]', '(.)', '{.}', '[dot]', '(dot)', ' [.] ', '\uff0e', '.']);
  switch (type) {
    case 'url': {
      const m = /^(https?|ftp):\/\/([^/]+)(.*)$/i.exec(v);
      if (!m) return v;
      const scheme = pick([
        `${m[1]?.toLowerCase() === 'https' ? 'hxxps' : 'hxxp'}://`,
        `${m[1]}[:]//`,
        `${m[1]?.replace(/t/g, 'x')}://`,
        `${m[1]}://`,
      ]);
      const host = (m[2] ?? '').replace(/\./g, () => (r() < 0.7 ? '[.]' : '.'));
      return `${scheme}${host}${m[3] ?? ''}`;
    }
    case 'domain-name':
    case 'ipv4-addr': {
      // Either the last dot or every dot, defanged.
      const parts = v.split('.');
      if (r() < 0.5) return `${parts.slice(0, -1).join('.')}${dot()}${parts[parts.length - 1] ?? ''}`;
      const d = dot();
      return parts.join(d);
    }
    case 'email-addr': {
      const [user, domain] = v.split('@');
      return `${user}${pick(['[at]', '(at)', '[@]', ' [at] ', '@'])}${(domain ?? '').replace(/\./g, () => pick(['[.]', '(dot)', '.']))}`;
    }
    default:
      return v;
  }
}

/** Generates `count` documents from real and generated indicator values. */
export function iocCases(values: ReadonlyMap<IocType, readonly string[]>, count: number, seed = 1): IocCase[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const gen: Record<string, () => string> = {
    'email-addr': () =>
      `${pick(['billing', 'hr.dept', 'support', 'j.smith', 'admin'])}${Math.floor(r() * 90)}@${pick(['mail-secure', 'invoice-portal', 'corp-login'])}${Math.floor(r() * 100)}.${pick(['com', 'net', 'org', 'ru', 'info'])}`,
    cve: () => `CVE-${2014 + Math.floor(r() * 11)}-${1000 + Math.floor(r() * 50_000)}`,
    'btc-address': () => base58check(Buffer.concat([Buffer.from([r() < 0.5 ? 0 : 5]), Buffer.from(hex(40), 'hex')])),
    'ipv6-addr': () => `2a0${Math.floor(r() * 9)}:${hex(4)}:${hex(3)}::${hex(2)}${Math.floor(r() * 9)}`,
    'windows-registry-key': () =>
      `${pick(['HKCU', 'HKLM', 'HKEY_CURRENT_USER', 'HKEY_LOCAL_MACHINE'])}\\Software\\${pick(['Microsoft\\Windows\\CurrentVersion\\Run', 'Classes\\ms-settings\\shell\\open\\command', 'Microsoft\\Windows NT\\CurrentVersion\\Winlogon'])}\\${pick(['Updater', 'OneDriveSync', 'svchost', 'Shell'])}${Math.floor(r() * 10)}`,
  };
  const TEMPLATES: readonly [IocType, (s: string) => string][] = [
    ['ipv4-addr', (s) => `The implant beacons to ${s} on port 443.`],
    ['ipv4-addr', (s) => `C2 servers included ${s}, which hosted the panel.`],
    ['ipv4-addr', (s) => `Traffic went to ${s}:8443 (TCP) and back.`],
    ['ipv4-addr', (s) => `Scanner [${s}] probed the VPN.`],
    ['domain-name', (s) => `It resolved ${s} before downloading the payload.`],
    ['domain-name', (s) => `Infrastructure: "${s}" (registered last week).`],
    ['url', (s) => `The second stage was fetched from ${s} shortly after.`],
    ['url', (s) => `Download URL: <${s}>`],
    ['md5', (s) => `The dropper (MD5: ${s}) was signed.`],
    ['sha1', (s) => `SHA-1 ${s.toUpperCase()} matches the loader.`],
    ['sha256', (s) => `Sample \`${s}\` was uploaded to a sandbox.`],
    ['sha512', (s) => `Its SHA-512 is ${s}.`],
    ['file-name', (s) => `The attachment ${s} contained a macro.`],
    ['file-name', (s) => `Persistence used C:\\Users\\Public\\${s} as the payload.`],
    ['email-addr', (s) => `Phishing mails came from ${s} with an invoice lure.`],
    ['cve', (s) => `The actor exploited ${s} on the exposed VPN.`],
    ['btc-address', (s) => `Victims were told to pay to the bitcoin wallet ${s}.`],
    ['ipv6-addr', (s) => `It also contacted ${s} over IPv6.`],
    ['windows-registry-key', (s) => `It writes the value under ${s} at logon.`],
    ['windows-registry-key', (s) => `Run key: "${s}".`],
    ['file-name', (s) => `The script dropped '${s}', then deleted itself.`],
    ['email-addr', (s) => `Replies went to <${s}>.`],
  ];
  const DECOYS = [
    'The loader is version 2.1.4 and runs on Windows 10.0.19045.',
    'At 10:32:05 UTC, see section 3.2.1 of the report (e.g. the timeline).',
    'Written in .NET, it calls System.Net.WebClient and Node.js tooling.',
    'The U.S. agencies, i.e. CISA and the F.B.I., issued advisories.',
    'Sizes ranged from 1.5 MB to 2.25 MB, about 3.5 times larger.',
    'The group targeted finance, energy and government sectors.',
    'The campaign ran from 2021-03-04 to 2021-06-30 with 12 waves.',
    'See Fig. 2 and Table 4.1 for the kill chain; ASP.NET pages were hit.',
    'Python 3.11.4 and OpenSSL 1.1.1w were bundled with the tool.',
  ];
  const cases: IocCase[] = [];
  for (let d = 0; d < count; d++) {
    const lines: string[] = [];
    const expected = new Map<string, { type: IocType; value: string }>();
    for (let k = 0; k < 12; k++) {
      const [type, tpl] = pick(TEMPLATES);
      const pool = values.get(type);
      const value = pool && pool.length > 0 ? pick(pool) : (gen[type]?.() ?? '');
      if (value === '') continue;
      lines.push(tpl(defang(type, value, r)));
      const norm =
        type === 'domain-name' ||
        type === 'email-addr' ||
        type === 'ipv6-addr' ||
        type.startsWith('sha') ||
        type === 'md5'
          ? value.toLowerCase()
          : value;
      expected.set(`${type}\0${norm}`, { type, value: norm });
      if (r() < 0.3) lines.push(pick(DECOYS));
    }
    cases.push({ text: lines.join(r() < 0.5 ? ' ' : '\n'), expected: [...expected.values()] });
  }
  return cases;
}

/** Scores extraction on the cases. */
export function scoreIocs(cases: readonly IocCase[]): IocFigures {
  let exp = 0;
  let found = 0;
  let tp = 0;
  const misses: string[] = [];
  const falseFinds: string[] = [];
  const byType: Record<string, { expected: number; tp: number; found: number }> = {};
  for (const c of cases) {
    const doc = buildDocument([{ text: c.text, page: 1 }], { format: 'text' });
    const got = new Map<string, { type: IocType; value: string }>();
    for (const m of extractIocs(doc.text)) got.set(`${m.type}\0${m.value}`, { type: m.type, value: m.value });
    const want = new Map(c.expected.map((e) => [`${e.type}\0${e.value}`, e]));
    for (const [k, e] of want) {
      const s = (byType[e.type] ??= { expected: 0, tp: 0, found: 0 });
      s.expected++;
      if (got.has(k)) {
        s.tp++;
        tp++;
      } else if (misses.length < 20) misses.push(`${e.type} ${e.value}`);
    }
    for (const [k, g] of got) {
      (byType[g.type] ??= { expected: 0, tp: 0, found: 0 }).found++;
      if (!want.has(k) && falseFinds.length < 20) falseFinds.push(`${g.type} ${g.value}`);
    }
    exp += want.size;
    found += got.size;
  }
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  return {
    documents: cases.length,
    expected: exp,
    found,
    truePositives: tp,
    precision: r4(tp / Math.max(1, found)),
    recall: r4(tp / Math.max(1, exp)),
    misses,
    falseFinds,
    byType,
  };
}
