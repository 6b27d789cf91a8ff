/**
 * @module
 * Typed STIX 2.1 objects: every SDO, SCO, SRO and meta object, and bundles. The types describe
 * the spec's properties; custom properties (`x_...`) and extensions are allowed on every object,
 * so the types stay open (`[custom: string]: unknown`) while the known properties are exact.
 */

/** A STIX identifier: `<type>--<uuid>`. */
export type StixId = string;
/** An RFC 3339 timestamp in UTC with a `Z` zone, e.g. `2016-05-12T08:17:27.000Z`. */
export type Timestamp = string;

/** External reference (§2.5). */
export interface ExternalReference {
  readonly source_name: string;
  readonly description?: string;
  readonly url?: string;
  readonly hashes?: Readonly<Record<string, string>>;
  readonly external_id?: string;
}

/** Kill chain phase (§2.8). */
export interface KillChainPhase {
  readonly kill_chain_name: string;
  readonly phase_name: string;
}

/** Granular marking (§7.2.3). */
export interface GranularMarking {
  readonly lang?: string;
  readonly marking_ref?: StixId;
  readonly selectors: readonly string[];
}

/** Any extension instance inside `extensions`. */
export interface ExtensionInstance {
  readonly extension_type?: 'new-sdo' | 'new-sco' | 'new-sro' | 'property-extension' | 'toplevel-property-extension';
  readonly [property: string]: unknown;
}

/** Properties every STIX object may carry. */
interface Open {
  readonly [custom: string]: unknown;
}

/** Common properties of SDOs, SROs, and the meta objects language-content and extension-definition. */
export interface StixCommon extends Open {
  readonly type: string;
  readonly spec_version: '2.1' | '2.0';
  readonly id: StixId;
  readonly created_by_ref?: StixId;
  readonly created: Timestamp;
  readonly modified: Timestamp;
  readonly revoked?: boolean;
  readonly labels?: readonly string[];
  readonly confidence?: number;
  readonly lang?: string;
  readonly external_references?: readonly ExternalReference[];
  readonly object_marking_refs?: readonly StixId[];
  readonly granular_markings?: readonly GranularMarking[];
  readonly extensions?: Readonly<Record<string, ExtensionInstance>>;
}

/** Common properties of cyber-observable objects (§3.1). */
export interface ScoCommon extends Open {
  readonly type: string;
  readonly id: StixId;
  readonly spec_version?: '2.1';
  readonly object_marking_refs?: readonly StixId[];
  readonly granular_markings?: readonly GranularMarking[];
  readonly defanged?: boolean;
  readonly extensions?: Readonly<Record<string, ExtensionInstance>>;
}

// ---- SDOs ----------------------------------------------------------------------------------

/** attack-pattern */
export interface AttackPattern extends StixCommon {
  readonly type: 'attack-pattern';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly kill_chain_phases?: readonly KillChainPhase[];
}
/** campaign */
export interface Campaign extends StixCommon {
  readonly type: 'campaign';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly objective?: string;
}
/** course-of-action */
export interface CourseOfAction extends StixCommon {
  readonly type: 'course-of-action';
  readonly name: string;
  readonly description?: string;
}
/** grouping */
export interface Grouping extends StixCommon {
  readonly type: 'grouping';
  readonly name?: string;
  readonly description?: string;
  readonly context: string;
  readonly object_refs: readonly StixId[];
}
/** identity */
export interface Identity extends StixCommon {
  readonly type: 'identity';
  readonly name: string;
  readonly description?: string;
  readonly roles?: readonly string[];
  readonly identity_class?: string;
  readonly sectors?: readonly string[];
  readonly contact_information?: string;
}
/** incident (with the incident core extension, see `incident-extension.ts`) */
export interface Incident extends StixCommon {
  readonly type: 'incident';
  readonly name: string;
  readonly description?: string;
  readonly kill_chain_phases?: readonly KillChainPhase[];
}
/** indicator */
export interface Indicator extends StixCommon {
  readonly type: 'indicator';
  readonly name?: string;
  readonly description?: string;
  readonly indicator_types?: readonly string[];
  readonly pattern: string;
  readonly pattern_type: string;
  readonly pattern_version?: string;
  readonly valid_from: Timestamp;
  readonly valid_until?: Timestamp;
  readonly kill_chain_phases?: readonly KillChainPhase[];
}
/** infrastructure */
export interface Infrastructure extends StixCommon {
  readonly type: 'infrastructure';
  readonly name: string;
  readonly description?: string;
  readonly infrastructure_types?: readonly string[];
  readonly aliases?: readonly string[];
  readonly kill_chain_phases?: readonly KillChainPhase[];
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
}
/** intrusion-set */
export interface IntrusionSet extends StixCommon {
  readonly type: 'intrusion-set';
  readonly name: string;
  readonly description?: string;
  readonly aliases?: readonly string[];
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly goals?: readonly string[];
  readonly resource_level?: string;
  readonly primary_motivation?: string;
  readonly secondary_motivations?: readonly string[];
}
/** location */
export interface Location extends StixCommon {
  readonly type: 'location';
  readonly name?: string;
  readonly description?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly precision?: number;
  readonly region?: string;
  readonly country?: string;
  readonly administrative_area?: string;
  readonly city?: string;
  readonly street_address?: string;
  readonly postal_code?: string;
}
/** malware */
export interface Malware extends StixCommon {
  readonly type: 'malware';
  readonly name?: string;
  readonly description?: string;
  readonly malware_types?: readonly string[];
  readonly is_family: boolean;
  readonly aliases?: readonly string[];
  readonly kill_chain_phases?: readonly KillChainPhase[];
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly operating_system_refs?: readonly StixId[];
  readonly architecture_execution_envs?: readonly string[];
  readonly implementation_languages?: readonly string[];
  readonly capabilities?: readonly string[];
  readonly sample_refs?: readonly StixId[];
}
/** malware-analysis */
export interface MalwareAnalysis extends StixCommon {
  readonly type: 'malware-analysis';
  readonly product: string;
  readonly version?: string;
  readonly host_vm_ref?: StixId;
  readonly operating_system_ref?: StixId;
  readonly installed_software_refs?: readonly StixId[];
  readonly configuration_version?: string;
  readonly modules?: readonly string[];
  readonly analysis_engine_version?: string;
  readonly analysis_definition_version?: string;
  readonly submitted?: Timestamp;
  readonly analysis_started?: Timestamp;
  readonly analysis_ended?: Timestamp;
  readonly result_name?: string;
  readonly result?: string;
  readonly analysis_sco_refs?: readonly StixId[];
  readonly sample_ref?: StixId;
}
/** note */
export interface Note extends StixCommon {
  readonly type: 'note';
  readonly abstract?: string;
  readonly content: string;
  readonly authors?: readonly string[];
  readonly object_refs: readonly StixId[];
}
/** observed-data */
export interface ObservedData extends StixCommon {
  readonly type: 'observed-data';
  readonly first_observed: Timestamp;
  readonly last_observed: Timestamp;
  readonly number_observed: number;
  /** Deprecated in 2.1, still accepted: an inline map of SCOs keyed by local index. */
  readonly objects?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly object_refs?: readonly StixId[];
}
/** opinion */
export interface Opinion extends StixCommon {
  readonly type: 'opinion';
  readonly explanation?: string;
  readonly authors?: readonly string[];
  readonly opinion: 'strongly-disagree' | 'disagree' | 'neutral' | 'agree' | 'strongly-agree';
  readonly object_refs: readonly StixId[];
}
/** report */
export interface Report extends StixCommon {
  readonly type: 'report';
  readonly name: string;
  readonly description?: string;
  readonly report_types?: readonly string[];
  readonly published: Timestamp;
  readonly object_refs: readonly StixId[];
}
/** threat-actor */
export interface ThreatActor extends StixCommon {
  readonly type: 'threat-actor';
  readonly name: string;
  readonly description?: string;
  readonly threat_actor_types?: readonly string[];
  readonly aliases?: readonly string[];
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly roles?: readonly string[];
  readonly goals?: readonly string[];
  readonly sophistication?: string;
  readonly resource_level?: string;
  readonly primary_motivation?: string;
  readonly secondary_motivations?: readonly string[];
  readonly personal_motivations?: readonly string[];
}
/** tool */
export interface Tool extends StixCommon {
  readonly type: 'tool';
  readonly name: string;
  readonly description?: string;
  readonly tool_types?: readonly string[];
  readonly aliases?: readonly string[];
  readonly kill_chain_phases?: readonly KillChainPhase[];
  readonly tool_version?: string;
}
/** vulnerability */
export interface Vulnerability extends StixCommon {
  readonly type: 'vulnerability';
  readonly name: string;
  readonly description?: string;
}

// ---- SROs ----------------------------------------------------------------------------------

/** relationship */
export interface Relationship extends StixCommon {
  readonly type: 'relationship';
  readonly relationship_type: string;
  readonly description?: string;
  readonly source_ref: StixId;
  readonly target_ref: StixId;
  readonly start_time?: Timestamp;
  readonly stop_time?: Timestamp;
}
/** sighting */
export interface Sighting extends StixCommon {
  readonly type: 'sighting';
  readonly description?: string;
  readonly first_seen?: Timestamp;
  readonly last_seen?: Timestamp;
  readonly count?: number;
  readonly sighting_of_ref: StixId;
  readonly observed_data_refs?: readonly StixId[];
  readonly where_sighted_refs?: readonly StixId[];
  readonly summary?: boolean;
}

// ---- meta objects --------------------------------------------------------------------------

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

// ---- SCOs ----------------------------------------------------------------------------------

/** artifact */
export interface Artifact extends ScoCommon {
  readonly type: 'artifact';
  readonly mime_type?: string;
  readonly payload_bin?: string;
  readonly url?: string;
  readonly hashes?: Readonly<Record<string, string>>;
  readonly encryption_algorithm?: string;
  readonly decryption_key?: string;
}
/** autonomous-system */
export interface AutonomousSystem extends ScoCommon {
  readonly type: 'autonomous-system';
  readonly number: number;
  readonly name?: string;
  readonly rir?: string;
}
/** directory */
export interface Directory extends ScoCommon {
  readonly type: 'directory';
  readonly path: string;
  readonly path_enc?: string;
  readonly ctime?: Timestamp;
  readonly mtime?: Timestamp;
  readonly atime?: Timestamp;
  readonly contains_refs?: readonly StixId[];
}
/** domain-name */
export interface DomainName extends ScoCommon {
  readonly type: 'domain-name';
  readonly value: string;
  readonly resolves_to_refs?: readonly StixId[];
}
/** email-addr */
export interface EmailAddr extends ScoCommon {
  readonly type: 'email-addr';
  readonly value: string;
  readonly display_name?: string;
  readonly belongs_to_ref?: StixId;
}
/** A MIME part of an email message. */
export interface EmailMimePart {
  readonly body?: string;
  readonly body_raw_ref?: StixId;
  readonly content_type?: string;
  readonly content_disposition?: string;
}
/** email-message */
export interface EmailMessage extends ScoCommon {
  readonly type: 'email-message';
  readonly is_multipart: boolean;
  readonly date?: Timestamp;
  readonly content_type?: string;
  readonly from_ref?: StixId;
  readonly sender_ref?: StixId;
  readonly to_refs?: readonly StixId[];
  readonly cc_refs?: readonly StixId[];
  readonly bcc_refs?: readonly StixId[];
  readonly message_id?: string;
  readonly subject?: string;
  readonly received_lines?: readonly string[];
  readonly additional_header_fields?: Readonly<Record<string, unknown>>;
  readonly body?: string;
  readonly body_multipart?: readonly EmailMimePart[];
  readonly raw_email_ref?: StixId;
}
/** file */
export interface StixFile extends ScoCommon {
  readonly type: 'file';
  readonly hashes?: Readonly<Record<string, string>>;
  readonly size?: number;
  readonly name?: string;
  readonly name_enc?: string;
  readonly magic_number_hex?: string;
  readonly mime_type?: string;
  readonly ctime?: Timestamp;
  readonly mtime?: Timestamp;
  readonly atime?: Timestamp;
  readonly parent_directory_ref?: StixId;
  readonly contains_refs?: readonly StixId[];
  readonly content_ref?: StixId;
}
/** ipv4-addr */
export interface Ipv4Addr extends ScoCommon {
  readonly type: 'ipv4-addr';
  readonly value: string;
  readonly resolves_to_refs?: readonly StixId[];
  readonly belongs_to_refs?: readonly StixId[];
}
/** ipv6-addr */
export interface Ipv6Addr extends ScoCommon {
  readonly type: 'ipv6-addr';
  readonly value: string;
  readonly resolves_to_refs?: readonly StixId[];
  readonly belongs_to_refs?: readonly StixId[];
}
/** mac-addr */
export interface MacAddr extends ScoCommon {
  readonly type: 'mac-addr';
  readonly value: string;
}
/** mutex */
export interface Mutex extends ScoCommon {
  readonly type: 'mutex';
  readonly name: string;
}
/** network-traffic */
export interface NetworkTraffic extends ScoCommon {
  readonly type: 'network-traffic';
  readonly start?: Timestamp;
  readonly end?: Timestamp;
  readonly is_active?: boolean;
  readonly src_ref?: StixId;
  readonly dst_ref?: StixId;
  readonly src_port?: number;
  readonly dst_port?: number;
  readonly protocols: readonly string[];
  readonly src_byte_count?: number;
  readonly dst_byte_count?: number;
  readonly src_packets?: number;
  readonly dst_packets?: number;
  readonly ipfix?: Readonly<Record<string, unknown>>;
  readonly src_payload_ref?: StixId;
  readonly dst_payload_ref?: StixId;
  readonly encapsulates_refs?: readonly StixId[];
  readonly encapsulated_by_ref?: StixId;
}
/** process */
export interface Process extends ScoCommon {
  readonly type: 'process';
  readonly is_hidden?: boolean;
  readonly pid?: number;
  readonly created_time?: Timestamp;
  readonly cwd?: string;
  readonly command_line?: string;
  readonly environment_variables?: Readonly<Record<string, string>>;
  readonly opened_connection_refs?: readonly StixId[];
  readonly creator_user_ref?: StixId;
  readonly image_ref?: StixId;
  readonly parent_ref?: StixId;
  readonly child_refs?: readonly StixId[];
}
/** software */
export interface Software extends ScoCommon {
  readonly type: 'software';
  readonly name: string;
  readonly cpe?: string;
  readonly swid?: string;
  readonly languages?: readonly string[];
  readonly vendor?: string;
  readonly version?: string;
}
/** url */
export interface Url extends ScoCommon {
  readonly type: 'url';
  readonly value: string;
}
/** user-account */
export interface UserAccount extends ScoCommon {
  readonly type: 'user-account';
  readonly user_id?: string;
  readonly credential?: string;
  readonly account_login?: string;
  readonly account_type?: string;
  readonly display_name?: string;
  readonly is_service_account?: boolean;
  readonly is_privileged?: boolean;
  readonly can_escalate_privs?: boolean;
  readonly is_disabled?: boolean;
  readonly account_created?: Timestamp;
  readonly account_expires?: Timestamp;
  readonly credential_last_changed?: Timestamp;
  readonly account_first_login?: Timestamp;
  readonly account_last_login?: Timestamp;
}
/** A value of a Windows registry key. */
export interface WindowsRegistryValue {
  readonly name?: string;
  readonly data?: string;
  readonly data_type?: string;
}
/** windows-registry-key */
export interface WindowsRegistryKey extends ScoCommon {
  readonly type: 'windows-registry-key';
  readonly key?: string;
  readonly values?: readonly WindowsRegistryValue[];
  readonly modified_time?: Timestamp;
  readonly creator_user_ref?: StixId;
  readonly number_of_subkeys?: number;
}
/** x509-certificate */
export interface X509Certificate extends ScoCommon {
  readonly type: 'x509-certificate';
  readonly is_self_signed?: boolean;
  readonly hashes?: Readonly<Record<string, string>>;
  readonly version?: string;
  readonly serial_number?: string;
  readonly signature_algorithm?: string;
  readonly issuer?: string;
  readonly validity_not_before?: Timestamp;
  readonly validity_not_after?: Timestamp;
  readonly subject?: string;
  readonly subject_public_key_algorithm?: string;
  readonly subject_public_key_modulus?: string;
  readonly subject_public_key_exponent?: number;
  readonly x509_v3_extensions?: Readonly<Record<string, string>>;
}

/** Every SDO. */
export type Sdo =
  | AttackPattern
  | Campaign
  | CourseOfAction
  | Grouping
  | Identity
  | Incident
  | Indicator
  | Infrastructure
  | IntrusionSet
  | Location
  | Malware
  | MalwareAnalysis
  | Note
  | ObservedData
  | Opinion
  | Report
  | ThreatActor
  | Tool
  | Vulnerability;
/** Every SRO. */
export type Sro = Relationship | Sighting;
/** Every SCO. */
export type Sco =
  | Artifact
  | AutonomousSystem
  | Directory
  | DomainName
  | EmailAddr
  | EmailMessage
  | StixFile
  | Ipv4Addr
  | Ipv6Addr
  | MacAddr
  | Mutex
  | NetworkTraffic
  | Process
  | Software
  | Url
  | UserAccount
  | WindowsRegistryKey
  | X509Certificate;
/** Every meta object. */
export type MetaObject = MarkingDefinition | LanguageContent | ExtensionDefinition;

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
