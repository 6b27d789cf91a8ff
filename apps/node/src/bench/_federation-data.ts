/**
 * @module
 * The objects of `bench federation`: a deterministic mix that makes the signed path do what it
 * does in production. Every TLP 2.0 level occurs (CLEAR 30%, GREEN 30%, AMBER 20%, AMBER+STRICT
 * 10%, RED 10%), so the policy allows some objects and refuses others; one object in five carries
 * personal data (internal addresses and host names, user accounts, email addresses, sightings
 * with context and free text), so the minimiser pseudonymises, scrubs or withholds it.
 */
import { scoId, TLP_V2_MARKINGS, type TlpLevel } from '@intersoc/cti';

/** TLP of object `i`: a fixed spread, decorrelated from the object's kind. */
export function tlpOf(i: number): TlpLevel {
  const d = Math.imul(i + 1, 2654435761) >>> 0;
  const k = (d >>> 8) % 10;
  return k < 3 ? 'clear' : k < 6 ? 'green' : k < 8 ? 'amber' : k < 9 ? 'amber+strict' : 'red';
}

/** What object `i` is (20 slots: 65% external indicators, 5% naming an internal asset, 30% observables and sightings). */
export type Kind =
  | 'indicator'
  | 'internal-indicator'
  | 'internal-ipv4'
  | 'external-ipv4'
  | 'user-account'
  | 'email-addr'
  | 'internal-domain'
  | 'sighting';

const SLOTS: readonly Kind[] = [
  ...Array<Kind>(13).fill('indicator'),
  'internal-indicator',
  'internal-ipv4',
  'external-ipv4',
  'user-account',
  'email-addr',
  'internal-domain',
  'sighting',
];

/** The kind of object `i`. */
export function kindOf(i: number): Kind {
  return SLOTS[i % SLOTS.length] as Kind;
}

const hex = (i: number, width: number): string => i.toString(16).padStart(width, '0');
const octets = (i: number): string => `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const indicatorId = (i: number): string => `indicator--00000000-0000-4000-8000-${hex(i, 12)}`;

function pattern(i: number): string {
  switch ((i >> 1) % 4) {
    case 0:
      return `[ipv4-addr:value = '198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}']`;
    case 1:
      return `[domain-name:value = 'c2-${hex(i, 6)}.example.net']`;
    case 2:
      return `[url:value = 'http://dl-${hex(i, 6)}.example.org/payload.bin']`;
    default:
      return `[file:hashes.'SHA-256' = '${hex(i, 8).repeat(8)}']`;
  }
}

/** The `n` objects of the benchmark; `now` stamps their versions. */
export function federationObjects(n: number, now = new Date().toISOString()): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const marking = { object_marking_refs: [TLP_V2_MARKINGS[tlpOf(i)]] };
    const sdo = { spec_version: '2.1', created: now, modified: now };
    const indicator = (p: string): Record<string, unknown> => ({
      type: 'indicator',
      ...sdo,
      id: indicatorId(i),
      name: `generated ${i}`,
      pattern: p,
      pattern_type: 'stix',
      valid_from: now,
      confidence: 80,
      indicator_types: ['malicious-activity'],
      ...marking,
    });
    const sco = (type: string, rest: Record<string, unknown>): Record<string, unknown> => ({
      type,
      spec_version: '2.1',
      id: scoId(type, rest),
      ...rest,
      ...marking,
    });
    switch (kindOf(i)) {
      case 'indicator':
        out.push(indicator(pattern(i)));
        break;
      case 'internal-indicator':
        // It would describe the victim: the minimiser withholds it.
        out.push(
          indicator(
            i % 40 < 20 ? `[ipv4-addr:value = '10.${octets(i)}']` : `[domain-name:value = 'ws-${hex(i, 6)}.corp']`,
          ),
        );
        break;
      case 'internal-ipv4':
        out.push(sco('ipv4-addr', { value: `10.${octets(i)}` }));
        break;
      case 'external-ipv4':
        out.push(sco('ipv4-addr', { value: `203.${octets(i)}` }));
        break;
      case 'user-account':
        out.push(sco('user-account', { account_login: `user${i}`, display_name: `User Number ${i}` }));
        break;
      case 'email-addr':
        out.push(sco('email-addr', { value: `person${i}@victim-org.example`, display_name: `Person ${i}` }));
        break;
      case 'internal-domain':
        out.push(sco('domain-name', { value: `srv-${hex(i, 6)}.internal` }));
        break;
      case 'sighting':
        out.push({
          type: 'sighting',
          ...sdo,
          id: `sighting--00000000-0000-4000-8000-${hex(i, 12)}`,
          sighting_of_ref: indicatorId(i - (i % SLOTS.length)),
          count: 1 + (i % 7),
          first_seen: now,
          last_seen: now,
          description: `seen on 10.${octets(i)} by analyst${i}@victim-org.example (host ws-${hex(i, 6)}.corp)`,
          x_intersoc_context: [
            { type: 'host', value: `ws-${hex(i, 6)}`, role: 'target' },
            { type: 'user', value: `user${i}`, role: 'target' },
            { type: 'ip', value: `10.${octets(i)}`, role: 'target' },
            { type: 'ip', value: `198.51.${(i >> 8) & 255}.${i & 255}`, role: 'source' },
          ],
          ...marking,
        });
        break;
    }
  }
  return out;
}
