/**
 * @module
 * The MISP attribute type ↔ STIX 2.1 mapping. Each mappable type is a list of parts, one per
 * `|`-separated component of the value, each naming an object path; `ip` stands for ipv4-addr or
 * ipv6-addr, chosen by the value. The same table drives indicator patterns, observed-data SCOs
 * and the way back, so a round trip keeps every value and type. Types without a STIX
 * counterpart travel as `x-misp-attribute` custom objects.
 *
 * | MISP type | STIX |
 * |---|---|
 * | ip-src, ip-dst (+`|port`) | network-traffic src_ref/dst_ref .value (+ src_port/dst_port) |
 * | domain, hostname, domain\|ip | domain-name value (+ resolves_to_refs[*].value) |
 * | url, uri, link | url value |
 * | email, email-src, email-dst, email-subject | email-addr value; email-message from_ref/to_refs/subject |
 * | md5 … sha512, ssdeep, tlsh, imphash, filename\|<hash>, malware-sample | file hashes (+ name) |
 * | filename | file name |
 * | regkey, regkey\|value | windows-registry-key key (+ values[*].data) |
 * | mutex, mac-address, AS, port, user-agent, http-method | mutex, mac-addr, autonomous-system, network-traffic |
 * | x509-fingerprint-md5/sha1/sha256 | x509-certificate hashes |
 */
import type { PathStep } from '../pattern/ast.js';
import { parsePattern } from '../pattern/parser.js';

/** One component of a MISP value. */
export interface MispPart {
  /** STIX object type, or `ip` for ipv4-addr/ipv6-addr by value. */
  readonly obj: string;
  /** Object path as written in patterns. */
  readonly path: string;
  readonly numeric?: boolean;
}

const p = (obj: string, path: string, numeric = false): MispPart => (numeric ? { obj, path, numeric } : { obj, path });

const HASHES: Readonly<Record<string, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha224: 'SHA224',
  sha256: 'SHA-256',
  sha384: 'SHA384',
  sha512: 'SHA-512',
  'sha3-256': 'SHA3-256',
  'sha3-512': 'SHA3-512',
  ssdeep: 'SSDEEP',
  tlsh: 'TLSH',
  imphash: 'IMPHASH',
  authentihash: 'AUTHENTIHASH',
  vhash: 'VHASH',
  pehash: 'PEHASH',
  impfuzzy: 'IMPFUZZY',
};

function build(): Record<string, readonly MispPart[]> {
  const m: Record<string, readonly MispPart[]> = {
    'ip-src': [p('network-traffic', 'src_ref.value')],
    'ip-dst': [p('network-traffic', 'dst_ref.value')],
    'ip-src|port': [p('network-traffic', 'src_ref.value'), p('network-traffic', 'src_port', true)],
    'ip-dst|port': [p('network-traffic', 'dst_ref.value'), p('network-traffic', 'dst_port', true)],
    domain: [p('domain-name', 'value')],
    hostname: [p('domain-name', 'value')],
    'domain|ip': [p('domain-name', 'value'), p('domain-name', 'resolves_to_refs[*].value')],
    url: [p('url', 'value')],
    uri: [p('url', 'value')],
    link: [p('url', 'value')],
    email: [p('email-addr', 'value')],
    'email-src': [p('email-message', 'from_ref.value')],
    'email-dst': [p('email-message', 'to_refs[*].value')],
    'email-subject': [p('email-message', 'subject')],
    filename: [p('file', 'name')],
    'malware-sample': [p('file', 'name'), p('file', "hashes.'MD5'")],
    regkey: [p('windows-registry-key', 'key')],
    'regkey|value': [p('windows-registry-key', 'key'), p('windows-registry-key', 'values[*].data')],
    mutex: [p('mutex', 'name')],
    'mac-address': [p('mac-addr', 'value')],
    AS: [p('autonomous-system', 'number', true)],
    port: [p('network-traffic', 'dst_port', true)],
    'user-agent': [p('network-traffic', "extensions.'http-request-ext'.request_header.'User-Agent'")],
    'http-method': [p('network-traffic', "extensions.'http-request-ext'.request_method")],
    'x509-fingerprint-md5': [p('x509-certificate', "hashes.'MD5'")],
    'x509-fingerprint-sha1': [p('x509-certificate', "hashes.'SHA-1'")],
    'x509-fingerprint-sha256': [p('x509-certificate', "hashes.'SHA-256'")],
  };
  for (const [t, alg] of Object.entries(HASHES)) {
    m[t] = [p('file', `hashes.'${alg}'`)];
    m[`filename|${t}`] = [p('file', 'name'), p('file', `hashes.'${alg}'`)];
  }
  return m;
}

/** MISP type → parts. */
export const MISP_TYPE_MAP: Readonly<Record<string, readonly MispPart[]>> = build();

/** References the observed-data builder creates, and the type of object they point to. */
export const REF_OBJECT: Readonly<Record<string, string>> = {
  src_ref: 'ip',
  dst_ref: 'ip',
  resolves_to_refs: 'ip',
  from_ref: 'email-addr',
  to_refs: 'email-addr',
};

const stepCache = new Map<string, readonly PathStep[]>();

/** Parsed steps of a part's path (parsed once with the pattern parser). */
export function partSteps(part: MispPart): readonly PathStep[] {
  const key = `${part.obj}:${part.path}`;
  let steps = stepCache.get(key);
  if (!steps) {
    // MATCHES keeps the hash-format check of the parser out of the way of the dummy literal.
    const r = parsePattern(`[${part.obj === 'ip' ? 'ipv4-addr' : part.obj}:${part.path} MATCHES 'x']`);
    if (!r.ok || r.value.root.kind !== 'observation' || r.value.root.comparison.kind !== 'comparison') {
      throw new Error(`bad MISP mapping path ${key}`);
    }
    steps = r.value.root.comparison.path.steps;
    stepCache.set(key, steps);
  }
  return steps;
}

/** Splits a MISP value into as many parts as its type has (composite types use `|`). */
export function splitValue(type: string, value: string): string[] | undefined {
  const parts = MISP_TYPE_MAP[type];
  if (!parts) return undefined;
  if (parts.length === 1) return [value];
  const pieces = value.split('|');
  if (pieces.length !== parts.length) return undefined;
  return pieces;
}

/** Escapes a string for a STIX pattern literal. */
export function patternString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
