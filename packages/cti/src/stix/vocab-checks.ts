/**
 * @module
 * Best-practice (SHOULD) checks on vocabulary use, as the OASIS validator makes them: values of
 * open vocabularies come from the vocabulary (read from the OASIS schemas) and are lowercase and
 * hyphenated, hash names come from hash-algorithm-ov (or start with `x_`), marking definitions use
 * a defined `definition_type`, kill-chain names are hyphenated, countries are ISO 3166-1 codes.
 */
import { escapePointer } from './pointer.js';
import type { SchemaValidator } from './schema-validator.js';
import { HASH_FORMATS } from './vocab.js';

type Obj = Readonly<Record<string, unknown>>;
/** Adds a warning at `where` (a pointer inside the object) under the OASIS check name `rule`. */
export type Warn = (where: string, message: string, rule: string) => void;

/** Which property of which type takes which open vocabulary, and the OASIS check that reports it. */
const VOCAB_USES: readonly (readonly [type: string, property: string, vocabulary: string, rule: string])[] = [
  ['grouping', 'context', 'grouping-context-ov', 'grouping-context'],
  ['identity', 'identity_class', 'identity-class-ov', 'identity-class'],
  ['identity', 'sectors', 'industry-sector-ov', 'industry-sector'],
  ['indicator', 'indicator_types', 'indicator-type-ov', 'indicator-types'],
  ['indicator', 'pattern_type', 'pattern-type-ov', 'indicator-pattern-types'],
  ['infrastructure', 'infrastructure_types', 'infrastructure-type-ov', 'infrastructure-types'],
  ['intrusion-set', 'resource_level', 'attack-resource-level-ov', 'attack-resource-level'],
  ['intrusion-set', 'primary_motivation', 'attack-motivation-ov', 'attack-motivation'],
  ['intrusion-set', 'secondary_motivations', 'attack-motivation-ov', 'attack-motivation'],
  ['location', 'region', 'region-ov', 'region'],
  ['malware', 'malware_types', 'malware-type-ov', 'malware-types'],
  ['malware', 'implementation_languages', 'implementation-language-ov', 'implementation-languages'],
  ['malware', 'capabilities', 'malware-capabilities-ov', 'malware-capabilities'],
  ['malware', 'architecture_execution_envs', 'processor-architecture-ov', 'processor-architecture'],
  ['malware-analysis', 'result', 'malware-av-result-ov', 'malware-result'],
  ['report', 'report_types', 'report-type-ov', 'report-types'],
  ['threat-actor', 'threat_actor_types', 'threat-actor-type-ov', 'threat-actor-types'],
  ['threat-actor', 'roles', 'threat-actor-role-ov', 'threat-actor-role'],
  ['threat-actor', 'sophistication', 'threat-actor-sophistication-ov', 'threat-actor-sophistication'],
  ['threat-actor', 'resource_level', 'attack-resource-level-ov', 'attack-resource-level'],
  ['threat-actor', 'primary_motivation', 'attack-motivation-ov', 'attack-motivation'],
  ['threat-actor', 'secondary_motivations', 'attack-motivation-ov', 'attack-motivation'],
  ['threat-actor', 'personal_motivations', 'attack-motivation-ov', 'attack-motivation'],
  ['tool', 'tool_types', 'tool-type-ov', 'tool-types'],
  ['user-account', 'account_type', 'account-type-ov', 'account-type'],
];

const MARKING_DEFINITION_TYPES = new Set(['statement', 'tlp']);
const HYPHENATED = /^[^A-Z_ ]*$/;

let regions: Intl.DisplayNames | undefined;

/** ISO 3166-1 alpha-2 codes, as the ICU data Node ships knows them. */
function isCountryCode(code: string): boolean {
  if (!/^[A-Za-z]{2}$/.test(code)) return false;
  regions ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  return regions.of(code.toUpperCase()) !== undefined;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Vocabulary checks on one object (2.1 property names; 2.0 objects get the format checks only). */
export function checkVocabularies(obj: Obj, type: string, schemas: SchemaValidator | undefined, warn: Warn): void {
  for (const [t, prop, vocabulary, rule] of VOCAB_USES) {
    if (t !== type || obj[prop] === undefined) continue;
    const values = strings(obj[prop]);
    for (const v of values) {
      if (!HYPHENATED.test(v)) {
        warn(`/${prop}`, `open vocabulary value "${v}" should be lowercase with hyphens`, 'open-vocab-format');
      }
    }
    const known = schemas?.vocabulary(vocabulary);
    const unknown = known ? values.filter((v) => !known.has(v)) : [];
    if (unknown.length > 0) {
      warn(`/${prop}`, `${unknown.map((v) => `"${v}"`).join(', ')} not in the ${vocabulary} vocabulary`, rule);
    }
  }
  if (type === 'marking-definition' && typeof obj['definition_type'] === 'string') {
    if (!MARKING_DEFINITION_TYPES.has(obj['definition_type'])) {
      warn('/definition_type', 'definition_type should be "statement" or "tlp"', 'marking-definition-type');
    }
  }
  if (type === 'location' && typeof obj['country'] === 'string' && !isCountryCode(obj['country'])) {
    warn('/country', `"${obj['country']}" is not an ISO 3166-1 alpha-2 country code`, 'countries');
  }
  const phases = obj['kill_chain_phases'];
  if (Array.isArray(phases)) {
    phases.forEach((p: unknown, i) => {
      if (!p || typeof p !== 'object') return;
      for (const k of ['kill_chain_name', 'phase_name']) {
        const v = (p as Record<string, unknown>)[k];
        if (typeof v === 'string' && !HYPHENATED.test(v)) {
          warn(`/kill_chain_phases/${i}/${k}`, `${k} "${v}" should be lowercase with hyphens`, 'kill-chain-names');
        }
      }
    });
  }
  if (type === 'file' || type === 'artifact' || type === 'x509-certificate') {
    const hashes = obj['hashes'];
    if (hashes && typeof hashes === 'object' && !Array.isArray(hashes)) {
      for (const name of Object.keys(hashes)) {
        if (!(name in HASH_FORMATS) && !name.startsWith('x_')) {
          warn(
            `/hashes/${escapePointer(name)}`,
            `hash "${name}" is neither in hash-algorithm-ov nor a custom x_ name`,
            'hash-algo',
          );
        }
      }
    }
  }
}
