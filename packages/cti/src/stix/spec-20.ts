/**
 * @module
 * STIX 2.0 differences that validation needs. A 2.0 bundle carries `spec_version: "2.0"` and its
 * objects carry none (2.1 moved `spec_version` onto each object); 2.0 has twelve SDOs, no
 * top-level cyber-observables, and makes `labels` required where 2.1 has `*_types`.
 */

/** The STIX versions the validator knows. */
export type StixVersion = '2.0' | '2.1';

/** The STIX 2.0 object types (SDOs, SROs and the marking definition). */
export const STIX20_TYPES: ReadonlySet<string> = new Set([
  'attack-pattern',
  'campaign',
  'course-of-action',
  'identity',
  'indicator',
  'intrusion-set',
  'malware',
  'observed-data',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
  'relationship',
  'sighting',
  'marking-definition',
]);

/** Properties every STIX 2.0 SDO and SRO must have. */
export const COMMON_REQUIRED_20 = ['type', 'id', 'created', 'modified'] as const;

/** Required properties per STIX 2.0 type, beyond the common ones (STIX 2.0 Part 2). */
export const REQUIRED_PROPS_20: Readonly<Record<string, readonly string[]>> = {
  'attack-pattern': ['name'],
  campaign: ['name'],
  'course-of-action': ['name'],
  identity: ['name', 'identity_class'],
  indicator: ['labels', 'pattern', 'valid_from'],
  'intrusion-set': ['name'],
  malware: ['labels', 'name'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed', 'objects'],
  report: ['labels', 'name', 'published', 'object_refs'],
  'threat-actor': ['labels', 'name'],
  tool: ['labels', 'name'],
  vulnerability: ['name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  sighting: ['sighting_of_ref'],
};

/** The version a document declares: a 2.0 bundle's `spec_version`, else an object's own. */
export function declaredVersion(doc: Readonly<Record<string, unknown>>): StixVersion | undefined {
  const v = doc['spec_version'];
  return v === '2.0' || v === '2.1' ? v : undefined;
}
