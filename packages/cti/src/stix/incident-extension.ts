/**
 * @module
 * The STIX incident core extension (a property-extension of `incident`, published with the OASIS
 * incident extension suite), so INTERSOC can share incidents with their determination,
 * investigation status, criticality and the objects they involve.
 */
import { v4 as uuidv4 } from 'uuid';
import type { ExtensionDefinition, Incident, StixId, Timestamp } from './types.js';

/** Id of the incident core extension-definition. */
export const INCIDENT_CORE_EXTENSION_ID = 'extension-definition--ef765651-680c-498d-9894-99799f2fa126';

/** Determinations of an incident. */
export const INCIDENT_DETERMINATIONS = [
  'blocked',
  'confirmed',
  'failed-attempt',
  'false-positive',
  'suspected',
] as const;
/** Investigation states (open vocabulary; these are the suggested values). */
export const INCIDENT_INVESTIGATION_STATUSES = ['new', 'open', 'closed'] as const;

/** A named score of an incident. */
export interface IncidentScore {
  readonly name: string;
  readonly value: number;
  readonly description?: string;
}

/** The extension's properties. */
export interface IncidentCore {
  readonly extension_type: 'property-extension';
  readonly determination: (typeof INCIDENT_DETERMINATIONS)[number];
  readonly investigation_status: string;
  readonly criticality?: number;
  readonly blocked?: boolean;
  readonly malicious?: boolean;
  readonly incident_types?: readonly string[];
  readonly impacted_entity_counts?: Readonly<Record<string, number>>;
  readonly recoverability?: readonly string[];
  readonly scores?: readonly IncidentScore[];
  readonly sequence_start_refs?: readonly StixId[];
  readonly sequence_refs?: readonly StixId[];
  readonly task_refs?: readonly StixId[];
  readonly event_refs?: readonly StixId[];
  readonly impact_refs?: readonly StixId[];
  readonly other_object_refs?: readonly StixId[];
}

/** The extension-definition object to ship alongside shared incidents. */
export const INCIDENT_CORE_EXTENSION_DEFINITION: ExtensionDefinition = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: INCIDENT_CORE_EXTENSION_ID,
  created: '2022-08-02T19:34:35.143Z',
  modified: '2022-08-02T19:34:35.143Z',
  name: 'Incident Core Extension',
  description: 'Incident core properties for sharing incidents (determination, status, impact, involved objects).',
  schema:
    'https://github.com/oasis-open/cti-stix-common-objects/tree/main/extension-definition-specifications/incident-core',
  version: '1.0.0',
  extension_types: ['property-extension'],
};

/** Input to `buildIncident`. */
export interface IncidentInput {
  readonly name: string;
  readonly description?: string;
  readonly created?: Timestamp;
  readonly createdBy?: StixId;
  readonly markings?: readonly StixId[];
  readonly core: Omit<IncidentCore, 'extension_type'>;
}

/** Builds an incident SDO carrying the incident core extension. */
export function buildIncident(input: IncidentInput): Incident {
  const now = input.created ?? new Date().toISOString();
  return {
    type: 'incident',
    spec_version: '2.1',
    id: `incident--${uuidv4()}`,
    created: now,
    modified: now,
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.createdBy === undefined ? {} : { created_by_ref: input.createdBy }),
    ...(input.markings === undefined ? {} : { object_marking_refs: input.markings }),
    extensions: { [INCIDENT_CORE_EXTENSION_ID]: { extension_type: 'property-extension', ...input.core } },
  };
}

/** The incident core properties of an incident, when present. */
export function incidentCoreOf(incident: Readonly<Record<string, unknown>>): IncidentCore | undefined {
  const ext = (incident['extensions'] as Record<string, unknown> | undefined)?.[INCIDENT_CORE_EXTENSION_ID];
  return ext && typeof ext === 'object' ? (ext as IncidentCore) : undefined;
}

/** Problems of an incident core extension instance, as [relative path, message] pairs. */
export function checkIncidentCore(ext: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  if (ext['extension_type'] !== 'property-extension') out.push(['/extension_type', 'must be "property-extension"']);
  if (!(INCIDENT_DETERMINATIONS as readonly unknown[]).includes(ext['determination'])) {
    out.push(['/determination', `must be one of ${INCIDENT_DETERMINATIONS.join(', ')}`]);
  }
  if (typeof ext['investigation_status'] !== 'string') out.push(['/investigation_status', 'is required']);
  const c = ext['criticality'];
  if (c !== undefined && (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 100)) {
    out.push(['/criticality', 'must be an integer from 0 to 100']);
  }
  for (const k of [
    'sequence_start_refs',
    'sequence_refs',
    'task_refs',
    'event_refs',
    'impact_refs',
    'other_object_refs',
  ]) {
    const v = ext[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((r) => typeof r !== 'string' || !r.includes('--')))
      out.push([`/${k}`, 'must be a list of identifiers']);
  }
  return out;
}

/** Random incident id helper for callers that build incidents themselves. */
export function newIncidentId(): StixId {
  return `incident--${uuidv4()}`;
}
