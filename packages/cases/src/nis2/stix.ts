/**
 * @module
 * A NIS2 report as STIX 2.1, ready to share with the national CSIRT: an `incident` with the
 * incident core extension (determination, investigation status, criticality, impacted entity
 * counts, score), the indicators of compromise as SCOs it refers to, the reporting organisation
 * as an `identity`, the report text as a `note`, and the case's TLP as marking. Ids are derived
 * from the case, so exporting twice gives the same objects.
 */
import { createHash } from 'node:crypto';
import { isoTime } from '@intersoc/core';
import {
  INCIDENT_CORE_EXTENSION_DEFINITION,
  INCIDENT_CORE_EXTENSION_ID,
  scoId,
  tlpMarkingDefinition,
  type TlpLevel,
} from '@intersoc/cti';
import type { CaseObservable } from '../cases/types.js';
import type { Nis2Report, ReportInput } from './report.js';

/** A UUID-shaped id derived from parts (version 5 bits set), stable across exports. */
function derivedId(type: string, ...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest('hex');
  const v = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
  return `${type}--${v}`;
}

function sco(o: CaseObservable): Record<string, unknown> | undefined {
  const v = o.value.trim();
  switch (o.kind) {
    case 'ip': {
      const type = v.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return { type, spec_version: '2.1', id: scoId(type, { value: v }), value: v };
    }
    case 'domain':
      return {
        type: 'domain-name',
        spec_version: '2.1',
        id: scoId('domain-name', { value: v.toLowerCase() }),
        value: v.toLowerCase(),
      };
    case 'url':
      return { type: 'url', spec_version: '2.1', id: scoId('url', { value: v }), value: v };
    case 'email':
      return { type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: v }), value: v };
    case 'hash': {
      const algo =
        v.length === 32
          ? 'MD5'
          : v.length === 40
            ? 'SHA-1'
            : v.length === 64
              ? 'SHA-256'
              : v.length === 128
                ? 'SHA-512'
                : undefined;
      if (algo === undefined) return undefined;
      const hashes = { [algo]: v.toLowerCase() };
      return { type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes };
    }
    default:
      return undefined;
  }
}

const CRITICALITY: Readonly<Record<string, number>> = {
  critical: 95,
  high: 75,
  medium: 50,
  low: 25,
  informational: 10,
};

/** The STIX 2.1 bundle of a report draft. */
export function nis2Stix(report: Nis2Report, input: ReportInput): Record<string, unknown> {
  const c = input.case;
  const created = isoTime(c.created);
  const modified = isoTime(Math.max(c.updated, c.created));
  const tlp = c.tlp as TlpLevel;
  const marking = tlpMarkingDefinition(tlp);
  const identity = {
    type: 'identity',
    spec_version: '2.1',
    id: derivedId('identity', c.tenant, input.entity.name),
    created,
    modified: created,
    name: input.entity.name,
    identity_class: 'organization',
    ...(input.entity.sector === undefined ? {} : { sectors: [input.entity.sector] }),
  };
  const scos = input.observables
    .filter((o) => o.ioc)
    .flatMap((o) => {
      const s = sco(o);
      return s ? [s] : [];
    });
  const hosts = new Set(input.incidents.flatMap((i) => i.hosts));
  const users = new Set(input.incidents.flatMap((i) => i.users));
  const score = Math.max(0, ...input.incidents.map((i) => i.score));
  const determination =
    c.resolution === 'true-positive'
      ? 'confirmed'
      : c.resolution === 'false-positive' || c.resolution === 'benign'
        ? 'false-positive'
        : 'suspected';
  const incident = {
    type: 'incident',
    spec_version: '2.1',
    id: derivedId('incident', c.tenant, c.id),
    created,
    modified,
    created_by_ref: identity.id,
    name: c.title,
    description: report.summary,
    object_marking_refs: [marking.id],
    labels: report.classification.tags,
    extensions: {
      [INCIDENT_CORE_EXTENSION_ID]: {
        extension_type: 'property-extension',
        determination,
        investigation_status: c.status === 'closed' ? 'closed' : c.status === 'new' ? 'new' : 'open',
        criticality: CRITICALITY[c.severity] ?? 50,
        ...(report.classification.rsit
          ? { incident_types: [`${report.classification.rsit.class}/${report.classification.rsit.type}`] }
          : {}),
        impacted_entity_counts: { computer: hosts.size, 'user-account': users.size },
        scores: [
          { name: 'intersoc-score', value: score, description: 'severity × asset criticality × confidence × spread' },
        ],
        ...(scos.length > 0 ? { other_object_refs: scos.map((s) => String(s['id'])) } : {}),
      },
    },
  };
  const note = {
    type: 'note',
    spec_version: '2.1',
    id: derivedId('note', c.tenant, c.id, report.kind, report.generated),
    created: report.generated,
    modified: report.generated,
    created_by_ref: identity.id,
    abstract: `NIS2 ${report.kind} for case #${c.number}`,
    content: JSON.stringify(report, null, 2),
    object_refs: [incident.id],
    object_marking_refs: [marking.id],
  };
  return {
    type: 'bundle',
    id: derivedId('bundle', c.tenant, c.id, report.kind, report.generated),
    objects: [INCIDENT_CORE_EXTENSION_DEFINITION, marking, identity, incident, ...scos, note],
  };
}
