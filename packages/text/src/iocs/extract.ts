/**
 * @module
 * Indicator extraction from prose. The text is refanged with a position map first, then each
 * type is found by its own pattern and checked: IP addresses by parsing, domains against the
 * IANA list of top-level domains (and, when written plainly, not as a file name or a code
 * identifier such as `System.Net`), Bitcoin addresses by their checksum (or by a mention of
 * Bitcoin in the sentence), hashes by length. An indicator inside a longer one (the domain of
 * a URL, the file of a path inside a registry key) is not reported twice. Every match keeps its
 * span in the original text.
 */
import { createRequire } from 'node:module';
import { parseIPv4, parseIPv6 } from '@intersoc/cti';
import { isBase58CheckAddress, isBech32Address } from './crypto.js';
import { refangMapped } from './refang.js';
import type { IocMatch, IocType } from './types.js';

const TLDS: ReadonlySet<string> = new Set(
  (createRequire(import.meta.url)('tlds') as string[]).map((t) => t.toLowerCase()),
);

/** File extensions that mark a file name (executables, scripts, documents, archives, data). */
const FILE_EXT =
  'exe|dll|sys|drv|ocx|cpl|scr|com|pif|msi|msp|msc|bat|cmd|ps1|psm1|psd1|vbs|vbe|js|jse|wsf|wsh|hta|lnk|url|inf|reg|' +
  'jar|class|py|pyc|pl|sh|bash|elf|bin|so|dylib|app|apk|ipa|dmg|pkg|deb|rpm|iso|img|vhd|vhdx|' +
  'doc|docx|docm|dot|dotm|xls|xlsx|xlsm|xlsb|xll|xlam|ppt|pptx|pptm|rtf|pdf|one|odt|ods|chm|' +
  'zip|rar|7z|gz|tgz|tar|bz2|xz|cab|arj|lzh|ace|' +
  'txt|log|dat|tmp|ini|cfg|conf|xml|json|yml|yaml|csv|db|sqlite|dmp|evtx|etl|' +
  'php|asp|aspx|ashx|jsp|jspx|cgi|html|htm|svg|png|jpg|jpeg|gif|bmp|ico|' +
  'lock|key|pem|crt|cer|pfx|p12|ovpn|kdbx';
const FILE_EXTS = new Set(FILE_EXT.split('|'));
/**
 * Extensions that are also top-level domains (`zip`, `py`, `sh`, `app`): plain `name.ext` is read
 * as a file unless defanged. `.com` is a domain: `.com` programs are named only as a path's end.
 */
const AMBIGUOUS_EXT = new Set([...FILE_EXTS].filter((e) => TLDS.has(e) && e !== 'com'));

/** Names of technologies that look like files or domains in prose. */
const TECH_NAMES = new Set([
  'node.js',
  'vue.js',
  'react.js',
  'next.js',
  'nuxt.js',
  'express.js',
  'd3.js',
  'three.js',
  'chart.js',
  'angular.js',
  'ember.js',
  'backbone.js',
  'deno.js',
  'socket.io',
  'asp.net',
  'ado.net',
  'vb.net',
  'dot.net',
]);

const HEX = '[0-9A-Fa-f]';
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

const PATTERNS = {
  url: /\b(?:https?|ftps?|sftp):\/\/[^\s<>"'`{}|\\^\u201c\u201d\u2018\u2019]+/giu,
  email:
    /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}(?![\w-]|\.[A-Za-z0-9])/g,
  ipv4: new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?:\\/(?:3[0-2]|[12]?\\d))?(?![\\w]|\\.\\d)`, 'g'),
  ipv6: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?<=:)\d{1,3}(?:\.\d{1,3}){3})?(?:\/\d{1,3})?(?![\w:]|\.\d)/g,
  domain:
    /(?<![\w@.\\/-])(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}(?![\w-]|\.[A-Za-z0-9])/g,
  hash: new RegExp(`(?<![\\w$])(?:${HEX}{128}|${HEX}{64}|${HEX}{40}|${HEX}{32})(?![\\w])`, 'g'),
  cve: /\bCVE[-\u2010-\u2014_ ]?(\d{4})[-\u2010-\u2014_](\d{4,7})\b/gi,
  btc: /(?<![\w])(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[ac-hj-np-z02-9]{11,71}|BC1[AC-HJ-NP-Z02-9]{11,71})(?![\w])/g,
  registry:
    /(?<![\w])(HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG|HKEY_PERFORMANCE_DATA|HKLM|HKCU|HKCR|HKU|HKCC)(:?)((?:\\{1,2}[^\\\r\n"'<>|:*?\t]*)+)/g,
  // Dotted tokens; the last label must be a known file extension (checked in code: linear, no backtracking).
  file: /(?<![\p{L}\p{N}_.$%~-])[\p{L}\p{N}_$~#@!+=-][\p{L}\p{N}_$~#@!+=()’'-]*(?:\.[\p{L}\p{N}_$~#@!+=()’'-]+)+/gu,
};

const BTC_CONTEXT = /\b(bitcoin|btc|wallet|ransom|crypto ?currency|payment|pay)\b/i;

interface Candidate {
  readonly type: IocType;
  readonly value: string;
  /** Span in the refanged text. */
  readonly s: number;
  readonly e: number;
  readonly confidence: number;
}

/** Trims punctuation a URL rarely ends with, keeping closing brackets that close one inside it. */
function trimUrl(u: string): string {
  let s = u;
  for (;;) {
    const last = s[s.length - 1];
    if (last === undefined) return s;
    if (/[.,;:!?'"*]/.test(last)) {
      s = s.slice(0, -1);
      continue;
    }
    const pair = { ')': '(', ']': '[', '}': '{', '>': '<' }[last];
    if (pair && s.split(pair).length <= s.split(last).length - 1) {
      s = s.slice(0, -1);
      continue;
    }
    return s;
  }
}

function hasTld(domain: string): boolean {
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
  return TLDS.has(tld);
}

/** Code identifiers (`System.Net`, `Microsoft.Exchange`): every label capitalised, some lowercase. */
function looksLikeIdentifier(d: string): boolean {
  const labels = d.split('.');
  return labels.every((l) => /^[A-Z]/.test(l)) && /[a-z]/.test(d);
}

/** Registry key: hive and path, trailing words and punctuation cut off. */
function registryKey(hive: string, colon: string, rest: string): string | undefined {
  const parts = rest.replace(/\\\\/g, '\\').split('\\').slice(1);
  const kept: string[] = [];
  for (const [i, p] of parts.entries()) {
    const last = i === parts.length - 1;
    if (!last) {
      // A segment may hold a few capitalised words (`Windows NT`), not a sentence.
      const words = p.split(' ');
      if (p.length > 64 || words.length > 4 || (words.length > 1 && words.some((w) => !/^[A-Z0-9]/.test(w)))) {
        kept.push(p.split(' ')[0] ?? '');
        break;
      }
      kept.push(p);
      continue;
    }
    // The last segment ends at white space (the sentence goes on after the key).
    kept.push(p.split(/\s/)[0] ?? '');
  }
  while (kept.length > 0 && (kept[kept.length - 1] ?? '').replace(/[.,;)\]'"]+$/, '') === '') kept.pop();
  if (kept.length > 0) kept[kept.length - 1] = (kept[kept.length - 1] ?? '').replace(/[.,;)\]'"]+$/, '');
  if (kept.length === 0) return undefined;
  void colon;
  return `${hive}\\${kept.join('\\')}`;
}

function findAll(re: RegExp, text: string, each: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    each(m);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Candidates of every type in a refanged text (overlaps not yet resolved). */
function candidates(t: string, defanged: Uint8Array): Candidate[] {
  const out: Candidate[] = [];
  const anyFanged = (s: number, e: number): boolean => {
    for (let i = s; i < e; i++) if (defanged[i] === 1) return true;
    return false;
  };
  findAll(PATTERNS.url, t, (m) => {
    const v = trimUrl(m[0]);
    // A scheme and nothing else is no URL.
    const host = /^[a-z]+:\/\/([^/?#:]+)/i.exec(v)?.[1] ?? '';
    if (host === '') return;
    const ok =
      parseIPv4(host) !== undefined ||
      (host.startsWith('[') && host.endsWith(']')) ||
      (host.includes('.') && hasTld(host));
    if (!ok && !/^localhost$/i.test(host)) return;
    out.push({ type: 'url', value: v, s: m.index, e: m.index + v.length, confidence: 0.95 });
  });
  findAll(PATTERNS.email, t, (m) => {
    const domain = m[0].slice(m[0].indexOf('@') + 1);
    if (!hasTld(domain)) return;
    out.push({ type: 'email-addr', value: m[0].toLowerCase(), s: m.index, e: m.index + m[0].length, confidence: 0.95 });
  });
  findAll(PATTERNS.ipv4, t, (m) => {
    const [ip, prefix] = m[0].split('/');
    if (parseIPv4(ip ?? '') === undefined) return;
    // `1.2.3.4` in a version string (`v1.2.3.4`, `version 1.2.3.4`) is no address.
    if (
      !anyFanged(m.index, m.index + m[0].length) &&
      /(?:\bv|version\s?|build\s?)$/i.test(t.slice(Math.max(0, m.index - 8), m.index))
    )
      return;
    out.push({
      type: 'ipv4-addr',
      value: prefix ? `${ip}/${prefix}` : (ip as string),
      s: m.index,
      e: m.index + m[0].length,
      confidence: 0.95,
    });
  });
  findAll(PATTERNS.ipv6, t, (m) => {
    const [ip, prefix] = m[0].split('/');
    if (parseIPv6(ip ?? '') === undefined) return;
    // Needs several groups or a `::`: `dead:beef` alone is a word pair.
    if (!(ip ?? '').includes('::') && (ip ?? '').split(':').length < 8) return;
    if (prefix !== undefined && Number(prefix) > 128) return;
    out.push({ type: 'ipv6-addr', value: m[0].toLowerCase(), s: m.index, e: m.index + m[0].length, confidence: 0.9 });
  });
  findAll(PATTERNS.hash, t, (m) => {
    const v = m[0].toLowerCase();
    // A run of one digit is padding, not a hash.
    if (/^(.)\1+$/.test(v) || !/[a-f]/.test(v) || !/\d/.test(v)) return;
    const type: IocType = v.length === 32 ? 'md5' : v.length === 40 ? 'sha1' : v.length === 64 ? 'sha256' : 'sha512';
    out.push({ type, value: v, s: m.index, e: m.index + m[0].length, confidence: 0.95 });
  });
  findAll(PATTERNS.cve, t, (m) => {
    out.push({
      type: 'cve',
      value: `CVE-${m[1] ?? ''}-${m[2] ?? ''}`,
      s: m.index,
      e: m.index + m[0].length,
      confidence: 0.99,
    });
  });
  findAll(PATTERNS.btc, t, (m) => {
    const v = m[0];
    const valid = /^bc1/i.test(v) ? isBech32Address(v) : isBase58CheckAddress(v);
    if (!valid) {
      // Without a valid checksum, only where the sentence speaks of Bitcoin.
      const around = t.slice(Math.max(0, m.index - 200), Math.min(t.length, m.index + v.length + 200));
      if (!BTC_CONTEXT.test(around) || !/\d/.test(v) || !/[a-z]/i.test(v)) return;
    }
    out.push({ type: 'btc-address', value: v, s: m.index, e: m.index + v.length, confidence: valid ? 0.95 : 0.6 });
  });
  findAll(PATTERNS.registry, t, (m) => {
    const key = registryKey(m[1] ?? '', m[2] ?? '', m[3] ?? '');
    if (!key) return;
    // Span: up to the end of the key as kept (double backslashes count in the original).
    const written = m[0];
    let end = m.index;
    let k = 0;
    const want = key.length;
    while (end < m.index + written.length && k < want) {
      if (written[end - m.index] === '\\' && written[end - m.index + 1] === '\\') end++;
      if (written[end - m.index] === ':' && end - m.index === (m[1] ?? '').length) {
        end++;
        continue;
      }
      end++;
      k++;
    }
    out.push({ type: 'windows-registry-key', value: key, s: m.index, e: end, confidence: 0.9 });
    // The rest of the match (the sentence after the key) may hold another key.
    PATTERNS.registry.lastIndex = end;
  });
  findAll(PATTERNS.domain, t, (m) => {
    const d = m[0];
    if (!hasTld(d)) return;
    const fanged = anyFanged(m.index, m.index + d.length);
    const ext = d.slice(d.lastIndexOf('.') + 1).toLowerCase();
    if (!fanged) {
      if (TECH_NAMES.has(d.toLowerCase())) return;
      if (FILE_EXTS.has(ext) && (AMBIGUOUS_EXT.has(ext) || !TLDS.has(ext))) return;
      if (looksLikeIdentifier(d)) return;
      // `e.g`, `i.e`, single letters before a dot: abbreviations.
      if (/^[a-z]\.[a-z]{1,2}$/i.test(d)) return;
    }
    if (d.includes('_') && !fanged) return;
    out.push({
      type: 'domain-name',
      value: d.toLowerCase(),
      s: m.index,
      e: m.index + d.length,
      confidence: fanged ? 0.95 : 0.85,
    });
  });
  findAll(PATTERNS.file, t, (m) => {
    const v = m[0].replace(/[()’']+$/, '');
    const s = m.index;
    const ext = v.slice(v.lastIndexOf('.') + 1).toLowerCase();
    if (!FILE_EXTS.has(ext) || /^[\d.]+$/.test(v) || TECH_NAMES.has(v.toLowerCase())) return;
    // A defanged `name[.]ext` with an extension that is also a TLD is a domain.
    if (anyFanged(s, s + v.length) && TLDS.has(ext)) return;
    // `.com` is a file only as a path's last part.
    if (ext === 'com' && !/[\\/]$/.test(t.slice(Math.max(0, s - 1), s))) return;
    out.push({ type: 'file-name', value: v, s, e: s + v.length, confidence: 0.8 });
  });
  return out;
}

/** Resolves overlaps: a match inside a longer one is dropped (URLs beat their hosts, keys their files). */
function resolve(cands: Candidate[]): Candidate[] {
  const sorted = [...cands].sort((a, b) => a.s - b.s || b.e - b.s - (a.e - a.s));
  const kept: Candidate[] = [];
  let reach = -1;
  let owner: Candidate | undefined;
  for (const c of sorted) {
    if (owner && c.s < reach) {
      // Inside (or straddling) a kept, longer match: drop it.
      if (c.e <= reach) continue;
      // Straddling: keep the longer of the two.
      if (c.e - c.s > owner.e - owner.s) {
        kept.pop();
        kept.push(c);
        owner = c;
        reach = c.e;
      }
      continue;
    }
    kept.push(c);
    owner = c;
    reach = c.e;
  }
  return kept;
}

/**
 * Every indicator in `text`, in order of appearance, refanged and with its span in `text`.
 *
 * @example
 * extractIocs('beacons to hxxps://evil[.]com/a and 203.0.113[.]7')
 * // [{ type: 'url', value: 'https://evil.com/a', ... }, { type: 'ipv4-addr', value: '203.0.113.7', ... }]
 */
export function extractIocs(text: string): IocMatch[] {
  const r = refangMapped(text);
  return resolve(candidates(r.text, r.defanged)).map((c) => {
    let fanged = false;
    for (let i = c.s; i < c.e; i++) if (r.defanged[i] === 1) fanged = true;
    return {
      type: c.type,
      value: c.value,
      start: r.map[c.s] ?? 0,
      end: c.e > 0 ? (r.map[c.e - 1] ?? 0) + 1 + trailingForm(text, r, c.e) : 0,
      defanged: fanged,
      confidence: c.confidence,
    };
  });
}

/** Characters of a defanged form that the refanged end character stands for (`[.]` is three). */
function trailingForm(text: string, r: { map: Int32Array }, e: number): number {
  const last = r.map[e - 1] ?? 0;
  const next = r.map[e] ?? text.length;
  // When the last refanged character came from a longer form, the form ends where the next begins.
  return Math.max(0, Math.min(next, text.length) - last - 1) > 0 && next - last > 1 ? next - last - 1 : 0;
}
