/**
 * @module
 * The CACAO 2.0 playbook model (OASIS CACAO Security Playbooks v2.0), typed for what the engine
 * reads. Every object keeps its other properties (extensions, vendor fields) untouched, so a
 * playbook read and written again is the same document.
 */

/** The eight workflow step types of CACAO 2.0. */
export const STEP_TYPES = [
  'start',
  'end',
  'action',
  'playbook-action',
  'parallel',
  'if-condition',
  'while-condition',
  'switch-condition',
] as const;

/** A workflow step type. */
export type StepType = (typeof STEP_TYPES)[number];

/** A CACAO variable (section 10.18). `value` is always text in the document. */
export interface CacaoVariable {
  readonly type: string;
  readonly description?: string;
  readonly value?: string | null;
  readonly constant?: boolean;
  readonly external?: boolean;
  readonly [other: string]: unknown;
}

/** A dictionary of variables keyed `__name__`. */
export type Variables = Readonly<Record<string, CacaoVariable>>;

/** A command (section 5): common properties plus those of its type. */
export interface CommandData {
  readonly type: string;
  readonly description?: string;
  readonly version?: string;
  readonly command?: string;
  readonly command_b64?: string;
  readonly content?: string;
  readonly content_b64?: string;
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly [other: string]: unknown;
}

/** A workflow step (section 4); the properties of every step type, each optional. */
export interface WorkflowStep {
  readonly type: StepType;
  readonly name?: string;
  readonly description?: string;
  readonly delay?: number;
  readonly timeout?: number;
  readonly step_variables?: Variables;
  readonly owner?: string;
  readonly on_completion?: string;
  readonly on_success?: string;
  readonly on_failure?: string;
  readonly step_extensions?: Readonly<Record<string, unknown>>;
  // action
  readonly commands?: readonly CommandData[];
  readonly agent?: string;
  readonly targets?: readonly string[];
  readonly in_args?: readonly string[];
  readonly out_args?: readonly string[];
  // playbook-action
  readonly playbook_id?: string;
  readonly playbook_version?: string;
  // parallel
  readonly next_steps?: readonly string[];
  // if-condition, while-condition
  readonly condition?: string;
  readonly on_true?: string;
  readonly on_false?: string;
  // switch-condition
  readonly switch?: string;
  readonly cases?: Readonly<Record<string, string>>;
  readonly [other: string]: unknown;
}

/** An agent or target (section 7). */
export interface AgentTarget {
  readonly type: string;
  readonly name: string;
  readonly description?: string;
  readonly address?: Readonly<Record<string, readonly string[]>>;
  readonly port?: string;
  readonly authentication_info?: string;
  readonly [other: string]: unknown;
}

/** Authentication information (section 6): secrets are kept by reference (`kms_key_identifier`). */
export interface AuthenticationInfo {
  readonly type: string;
  readonly name?: string;
  readonly username?: string;
  readonly user_id?: string;
  readonly password?: string;
  readonly private_key?: string;
  readonly token?: string;
  readonly kms?: boolean;
  readonly kms_key_identifier?: string;
  readonly [other: string]: unknown;
}

/** A CACAO signature (section 10.15), type `jss`. */
export interface CacaoSignature {
  readonly type: 'jss';
  readonly id: string;
  readonly created_by?: string;
  readonly created: string;
  readonly modified: string;
  readonly signee: string;
  readonly related_to: string;
  readonly related_version: string;
  readonly hash_algorithm: string;
  readonly algorithm: string;
  readonly public_key?: string;
  readonly value: string;
  readonly [other: string]: unknown;
}

/** A CACAO 2.0 playbook. */
export interface Playbook {
  readonly type: 'playbook';
  readonly spec_version: 'cacao-2.0';
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly playbook_types?: readonly string[];
  readonly playbook_activities?: readonly string[];
  readonly created_by: string;
  readonly created: string;
  readonly modified: string;
  readonly revoked?: boolean;
  readonly valid_from?: string;
  readonly valid_until?: string;
  readonly priority?: number;
  readonly severity?: number;
  readonly impact?: number;
  readonly labels?: readonly string[];
  readonly markings?: readonly string[];
  readonly playbook_variables?: Variables;
  readonly workflow_start: string;
  readonly workflow_exception?: string;
  readonly workflow: Readonly<Record<string, WorkflowStep>>;
  readonly playbook_extensions?: Readonly<Record<string, unknown>>;
  readonly authentication_info_definitions?: Readonly<Record<string, AuthenticationInfo>>;
  readonly agent_definitions?: Readonly<Record<string, AgentTarget>>;
  readonly target_definitions?: Readonly<Record<string, AgentTarget>>;
  readonly extension_definitions?: Readonly<Record<string, unknown>>;
  readonly data_marking_definitions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly signatures?: readonly CacaoSignature[];
  readonly [other: string]: unknown;
}

/** CACAO identifiers: `<object-type>--<UUID>` (section 10.10). */
export const IDENTIFIER_PATTERN =
  /^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** Variable names: `__name__` (section 10.18). */
export const VARIABLE_NAME_PATTERN = /^__[a-zA-Z_][a-zA-Z0-9_-]{0,199}__$/;

/** CACAO timestamps: RFC 3339 in UTC. */
export const TIMESTAMP_PATTERN =
  /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$/;

/** The object type of an identifier (`action--…` → `action`). */
export function idType(id: string): string {
  const i = id.indexOf('--');
  return i < 0 ? '' : id.slice(0, i);
}
