/**
 * @module
 * Typed STIX 2.1 objects: every SDO, SCO, SRO and meta object, and bundles. The types describe
 * the spec's properties; custom properties (`x_...`) and extensions are allowed on every object,
 * so the types stay open (`[custom: string]: unknown`) while the known properties are exact.
 *
 * This is the one place to import them from. The object types live by category in `objects/`:
 * shared properties (`common.ts`), domain objects (`sdo.ts`), relationship objects (`sro.ts`),
 * meta objects (`meta.ts`) and cyber-observables (`sco.ts`); this file adds the unions over all
 * of them and bundles.
 */
import type { Open, StixId } from './objects/common.js';
import type { MetaObject } from './objects/meta.js';
import type { Sco } from './objects/sco.js';
import type { Sdo } from './objects/sdo.js';
import type { Sro } from './objects/sro.js';

export type {
  ExtensionInstance,
  ExternalReference,
  GranularMarking,
  KillChainPhase,
  ScoCommon,
  StixCommon,
  StixId,
  Timestamp,
} from './objects/common.js';
export type * from './objects/sdo.js';
export type * from './objects/sro.js';
export type * from './objects/meta.js';
export type * from './objects/sco.js';

/** A custom object type (`x-...` or defined by an extension-definition). */
export interface CustomObject extends Open {
  readonly type: string;
  readonly id: StixId;
}

/** Any STIX object. */
export type StixObject = Sdo | Sro | Sco | MetaObject | CustomObject;

/** bundle (§8) */
export interface Bundle {
  readonly type: 'bundle';
  readonly id: StixId;
  readonly objects: readonly StixObject[];
}
