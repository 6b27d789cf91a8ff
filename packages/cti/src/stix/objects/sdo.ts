/**
 * @module
 * The STIX 2.1 domain objects (SDOs, §4): attack-pattern to vulnerability, with the properties
 * the spec names for each, and `Sdo`, the union of them all.
 */
import type { KillChainPhase, StixCommon, StixId, Timestamp } from './common.js';

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
