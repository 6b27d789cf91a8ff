/**
 * @module
 * The NIS2 taxonomy vocabularies the report drafts use (MISP `nis2` namespace): the nature of
 * the incident (root cause, threat severity) and its impact (severity, outlook, sectors). Kept as
 * a table in code so a node needs no taxonomy files; a test checks it against the published
 * taxonomy. Values are the taxonomy's ids; tags are MISP machine tags.
 */

/** Root cause categories. */
export const NIS2_ROOT_CAUSES = [
  'system-failures',
  'natural-phenomena',
  'human-errors',
  'malicious-actions',
  'third-party-failures',
] as const;

/** Severity of the threat. */
export const NIS2_THREAT_SEVERITIES = ['high', 'medium', 'low'] as const;

/** Severity of the impact (a traffic light with white for none). */
export const NIS2_IMPACT_SEVERITIES = ['red', 'yellow', 'green', 'white'] as const;

/** How the situation develops. */
export const NIS2_OUTLOOKS = ['improving', 'stable', 'worsening'] as const;

/** Sectors an incident can impact. */
export const NIS2_SECTORS = [
  'energy',
  'transport',
  'banking',
  'financial',
  'health',
  'drinking-water',
  'waste-water',
  'digital-infrastructure',
  'ict-services',
  'public-administration',
  'space',
  'courier',
  'waste-management',
  'chemical',
  'food',
  'manufacturing',
  'digital-providers',
  'research',
] as const;

/** The taxonomy predicate each vocabulary belongs to. */
export const NIS2_PREDICATES = {
  rootCause: 'nature-root-cause',
  threatSeverity: 'nature-severity',
  impactSeverity: 'impact-severity',
  outlook: 'impact-outlook',
  sector: 'impact-sectors-impacted',
} as const;

/** A machine tag of the `nis2` namespace: `nis2:impact-severity="red"`. */
export function nis2Tag(predicate: string, value: string): string {
  return `nis2:${predicate}="${value}"`;
}
