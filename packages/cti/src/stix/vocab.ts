/**
 * @module
 * The STIX 2.1 type catalogue: which types are SDOs, SROs, SCOs and meta objects, their required
 * properties, the types each reference property may point to, and each SCO's id-contributing
 * properties (spec §2.9). Validation, SCO ids and the store all read these tables.
 */

/** The 19 STIX Domain Object types. */
export const SDO_TYPES = [
  'attack-pattern',
  'campaign',
  'course-of-action',
  'grouping',
  'identity',
  'incident',
  'indicator',
  'infrastructure',
  'intrusion-set',
  'location',
  'malware',
  'malware-analysis',
  'note',
  'observed-data',
  'opinion',
  'report',
  'threat-actor',
  'tool',
  'vulnerability',
] as const;

/** The two STIX Relationship Object types. */
export const SRO_TYPES = ['relationship', 'sighting'] as const;

/** The 18 STIX Cyber-observable Object types. */
export const SCO_TYPES = [
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
] as const;

/** The meta object types. */
export const META_TYPES = ['marking-definition', 'language-content', 'extension-definition'] as const;

/** Category of a STIX type. */
export type StixCategory = 'sdo' | 'sro' | 'sco' | 'meta' | 'bundle' | 'custom';

const CATEGORY = new Map<string, StixCategory>([
  ...SDO_TYPES.map((t) => [t, 'sdo'] as const),
  ...SRO_TYPES.map((t) => [t, 'sro'] as const),
  ...SCO_TYPES.map((t) => [t, 'sco'] as const),
  ...META_TYPES.map((t) => [t, 'meta'] as const),
  ['bundle', 'bundle'],
]);

/** The category of a type name; unknown types are `custom`. */
export function stixCategory(type: string): StixCategory {
  return CATEGORY.get(type) ?? 'custom';
}

/** True for SCO type names, including custom SCOs when `obj` lacks `created` (SCOs have none). */
export function isScoType(type: string): boolean {
  return CATEGORY.get(type) === 'sco';
}

/** Properties every SDO and SRO must have. */
export const COMMON_REQUIRED = ['type', 'spec_version', 'id', 'created', 'modified'] as const;

/** Required properties per type, beyond the common ones (spec §4–§7). */
export const REQUIRED_PROPS: Readonly<Record<string, readonly string[]>> = {
  'attack-pattern': ['name'],
  campaign: ['name'],
  'course-of-action': ['name'],
  grouping: ['context', 'object_refs'],
  identity: ['name'],
  incident: ['name'],
  indicator: ['pattern', 'pattern_type', 'valid_from'],
  infrastructure: ['name'],
  'intrusion-set': ['name'],
  location: [],
  malware: ['is_family'],
  'malware-analysis': ['product'],
  note: ['content', 'object_refs'],
  'observed-data': ['first_observed', 'last_observed', 'number_observed'],
  opinion: ['opinion', 'object_refs'],
  report: ['name', 'published', 'object_refs'],
  'threat-actor': ['name'],
  tool: ['name'],
  vulnerability: ['name'],
  relationship: ['relationship_type', 'source_ref', 'target_ref'],
  sighting: ['sighting_of_ref'],
  'language-content': ['object_ref', 'contents'],
  'extension-definition': ['name', 'schema', 'version', 'extension_types'],
  artifact: [],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['is_multipart'],
  file: [],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['protocols'],
  process: [],
  software: ['name'],
  url: ['value'],
  'user-account': [],
  'windows-registry-key': [],
  'x509-certificate': [],
};

/**
 * The object types a reference property may point to, per owning type. `*` means any type of
 * the named category. References are ids, so the target's type is the id's prefix and can be
 * checked without resolving it.
 */
export const REF_TARGETS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '*': {
    created_by_ref: ['identity'],
    object_marking_refs: ['marking-definition'],
  },
  sighting: {
    sighting_of_ref: ['sdo', 'custom'],
    observed_data_refs: ['observed-data'],
    where_sighted_refs: ['identity', 'location'],
  },
  'malware-analysis': {
    host_vm_ref: ['software'],
    operating_system_ref: ['software'],
    installed_software_refs: ['software'],
    analysis_sco_refs: ['sco', 'custom'],
    sample_ref: ['file', 'network-traffic', 'artifact'],
  },
  malware: {
    operating_system_refs: ['software'],
    sample_refs: ['file', 'artifact'],
  },
  'observed-data': { object_refs: ['sco', 'custom', 'relationship'] },
  directory: { contains_refs: ['file', 'directory'] },
  'domain-name': { resolves_to_refs: ['ipv4-addr', 'ipv6-addr', 'domain-name'] },
  'email-addr': { belongs_to_ref: ['user-account'] },
  'email-message': {
    from_ref: ['email-addr'],
    sender_ref: ['email-addr'],
    to_refs: ['email-addr'],
    cc_refs: ['email-addr'],
    bcc_refs: ['email-addr'],
    raw_email_ref: ['artifact'],
  },
  file: { parent_directory_ref: ['directory'], content_ref: ['artifact'], contains_refs: ['sco', 'custom'] },
  'ipv4-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'ipv6-addr': { resolves_to_refs: ['mac-addr'], belongs_to_refs: ['autonomous-system'] },
  'network-traffic': {
    src_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'],
    dst_ref: ['ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'],
    src_payload_ref: ['artifact'],
    dst_payload_ref: ['artifact'],
    encapsulates_refs: ['network-traffic'],
    encapsulated_by_ref: ['network-traffic'],
  },
  process: {
    opened_connection_refs: ['network-traffic'],
    creator_user_ref: ['user-account'],
    image_ref: ['file'],
    parent_ref: ['process'],
    child_refs: ['process'],
  },
  'windows-registry-key': { creator_user_ref: ['user-account'] },
};

/** Id-contributing properties of each SCO type (§2.9); `process` has none and gets UUIDv4 ids. */
export const ID_CONTRIBUTING: Readonly<Record<string, readonly string[]>> = {
  artifact: ['hashes', 'payload_bin'],
  'autonomous-system': ['number'],
  directory: ['path'],
  'domain-name': ['value'],
  'email-addr': ['value'],
  'email-message': ['from_ref', 'subject', 'body'],
  file: ['hashes', 'name', 'extensions', 'parent_directory_ref'],
  'ipv4-addr': ['value'],
  'ipv6-addr': ['value'],
  'mac-addr': ['value'],
  mutex: ['name'],
  'network-traffic': ['start', 'end', 'src_ref', 'dst_ref', 'src_port', 'dst_port', 'protocols', 'extensions'],
  process: [],
  software: ['name', 'cpe', 'swid', 'vendor', 'version'],
  url: ['value'],
  'user-account': ['account_type', 'user_id', 'account_login'],
  'windows-registry-key': ['key', 'values'],
  'x509-certificate': ['hashes', 'serial_number'],
};

/** Predefined SCO extension names (§6). */
export const PREDEFINED_SCO_EXTENSIONS = [
  'archive-ext',
  'ntfs-ext',
  'pdf-ext',
  'raster-image-ext',
  'windows-pebinary-ext',
  'http-request-ext',
  'icmp-ext',
  'socket-ext',
  'tcp-ext',
  'windows-process-ext',
  'windows-service-ext',
  'unix-account-ext',
] as const;

/** Hash formats of the hash-algorithm-ov vocabulary, for value checks. */
export const HASH_FORMATS: Readonly<Record<string, RegExp>> = {
  MD5: /^[a-fA-F0-9]{32}$/,
  'SHA-1': /^[a-fA-F0-9]{40}$/,
  'SHA-256': /^[a-fA-F0-9]{64}$/,
  'SHA-512': /^[a-fA-F0-9]{128}$/,
  'SHA3-256': /^[a-fA-F0-9]{64}$/,
  'SHA3-512': /^[a-fA-F0-9]{128}$/,
  SSDEEP: /^[a-zA-Z0-9/+:.]{1,128}$/,
  TLSH: /^(T1)?[a-fA-F0-9]{70}$/,
};

/** Object id shape: `<type>--<uuid>`. */
export const ID_PATTERN =
  /^([a-z][a-z0-9-]*[a-z0-9])--([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** STIX timestamp shape (RFC 3339, UTC `Z`). */
export const TIMESTAMP_PATTERN =
  /^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$/;

/** The type part of an id, or undefined when the id is malformed. */
export function idType(id: string): string | undefined {
  const i = id.indexOf('--');
  return i > 0 ? id.slice(0, i) : undefined;
}
