/**
 * @module
 * The STIX 2.1 cyber-observable objects (SCOs, §6): artifact to x509-certificate, with the
 * properties the spec names for each, and `Sco`, the union of them all.
 */
import type { ScoCommon, StixId, Timestamp } from './common.js';

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
