/**
 * @module
 * The STIX 2.1 meta objects (§7): marking-definition, language-content, extension-definition,
 * and `MetaObject`.
 */
import type {
  ExtensionInstance,
  ExternalReference,
  GranularMarking,
  Open,
  StixCommon,
  StixId,
  Timestamp,
} from './common.js';

/** marking-definition (§7.2). TLP 2.0 markings carry their level in an extension, not `definition`. */
export interface MarkingDefinition extends Open {
  readonly type: 'marking-definition';
  readonly spec_version: '2.1' | '2.0';
  readonly id: StixId;
  readonly created: Timestamp;
  readonly created_by_ref?: StixId;
  readonly name?: string;
  readonly definition_type?: string;
  readonly definition?: Readonly<Record<string, unknown>>;
  readonly external_references?: readonly ExternalReference[];
  readonly object_marking_refs?: readonly StixId[];
  readonly granular_markings?: readonly GranularMarking[];
  readonly extensions?: Readonly<Record<string, ExtensionInstance>>;
}
/** language-content (§7.1) */
export interface LanguageContent extends StixCommon {
  readonly type: 'language-content';
  readonly object_ref: StixId;
  readonly object_modified?: Timestamp;
  readonly contents: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
/** extension-definition (§7.3) */
export interface ExtensionDefinition extends StixCommon {
  readonly type: 'extension-definition';
  readonly name: string;
  readonly description?: string;
  readonly schema: string;
  readonly version: string;
  readonly extension_types: readonly (
    'new-sdo' | 'new-sco' | 'new-sro' | 'property-extension' | 'toplevel-property-extension'
  )[];
  readonly extension_properties?: readonly string[];
}

/** Every meta object. */
export type MetaObject = MarkingDefinition | LanguageContent | ExtensionDefinition;
