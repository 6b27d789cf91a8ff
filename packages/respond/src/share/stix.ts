/**
 * @module
 * Playbooks travel between SOCs as STIX 2.1 objects, so federation carries, signs, filters by TLP
 * and journals them like any other object. The wrapper is the Open Cybersecurity Alliance's
 * `x-oca-playbook` SDO (extension-definition--809c4d84-7a6e-4039-97b4-da9fea03fcf9): the CACAO
 * document, with its own JWS signatures, rides base64-encoded in `playbook_bin`; the object's
 * TLP marking is the playbook's. The STIX id is derived from the playbook id, so each new
 * version of a playbook is a new version of the same STIX object.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@intersoc/core';
import { TLP_LEVELS, TLP_V2_MARKINGS, type TlpLevel } from '@intersoc/cti';
import type { Playbook } from '../cacao/types.js';
import { DEFAULT_READ_LIMITS, readPlaybookText } from '../cacao/read.js';

/** The OCA playbook SDO extension definition. */
export const OCA_PLAYBOOK_EXTENSION = 'extension-definition--809c4d84-7a6e-4039-97b4-da9fea03fcf9';
/** The STIX type of a shared playbook. */
export const OCA_PLAYBOOK_TYPE = 'x-oca-playbook';
/** Media type of CACAO playbooks (CACAO 2.0 appendix C). */
export const CACAO_MEDIA_TYPE = 'application/cacao+json';

const NAMESPACE = Buffer.from('6d9a9e9b3c7a4c0f8d6f2b1f0f4e7a11', 'hex');

/** UUIDv5 of a name in our namespace (RFC 9562). */
function uuidv5(name: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(name).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The STIX id of a playbook's wrapper. */
export function stixIdOfPlaybook(playbookId: string): string {
  return `${OCA_PLAYBOOK_TYPE}--${uuidv5(playbookId)}`;
}

/** Wraps a playbook as a STIX object, marked with its TLP (AMBER when it has none). */
export function playbookToStix(p: Playbook, tlp: string | undefined, createdByRef?: string): Record<string, unknown> {
  const level = (TLP_LEVELS as readonly string[]).includes(tlp ?? '') ? (tlp as TlpLevel) : 'amber';
  return {
    type: OCA_PLAYBOOK_TYPE,
    spec_version: '2.1',
    id: stixIdOfPlaybook(p.id),
    created: p.created,
    modified: p.modified,
    ...(createdByRef ? { created_by_ref: createdByRef } : {}),
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    playbook_id: p.id,
    playbook_format: CACAO_MEDIA_TYPE,
    playbook_creation_time: p.created,
    playbook_modification_time: p.modified,
    ...(p.playbook_types && p.playbook_types.length > 0 ? { playbook_type: [...p.playbook_types] } : {}),
    is_playbook_template: false,
    playbook_bin: Buffer.from(JSON.stringify(p), 'utf8').toString('base64'),
    object_marking_refs: [TLP_V2_MARKINGS[level]],
    extensions: { [OCA_PLAYBOOK_EXTENSION]: { extension_type: 'new-sdo' } },
  };
}

/** The CACAO document inside a shared playbook object (bounded like any playbook input). */
export function playbookFromStix(o: Readonly<Record<string, unknown>>): unknown {
  if (o['type'] !== OCA_PLAYBOOK_TYPE) throw new AppError('VALIDATION', `not an ${OCA_PLAYBOOK_TYPE} object`);
  if (o['playbook_format'] !== CACAO_MEDIA_TYPE)
    throw new AppError('UNSUPPORTED', `playbook format ${String(o['playbook_format'])} is not CACAO`);
  const bin = o['playbook_bin'];
  if (typeof bin !== 'string' || bin.length > (DEFAULT_READ_LIMITS.maxBytes * 4) / 3 + 4) {
    throw new AppError('VALIDATION', 'playbook_bin is missing or too large');
  }
  const r = readPlaybookText(Buffer.from(bin, 'base64').toString('utf8'));
  if (!r.ok) throw new AppError('VALIDATION', `playbook_bin: ${r.reason}`);
  return r.value;
}
