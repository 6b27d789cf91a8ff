/**
 * @module
 * The event envelope every stage passes along: identity, time, tenant, source, the original
 * record, its fields flattened, and an ECS-style projection for cross-format queries.
 */

/** A value in a flattened record. Arrays keep multi-valued fields (e.g. Zeek sets, JSON arrays). */
export type Scalar = string | number | boolean | null;
/** Field value after flattening. */
export type FieldValue = Scalar | readonly Scalar[];
/** Original fields, flattened to one level. Nested JSON keys are joined with '.'. */
export type FlatFields = Record<string, FieldValue>;

/**
 * The ECS field names INTERSOC projects to. Parsers fill what their format carries; the search
 * language and detectors can rely on these names across formats.
 */
export const ECS_FIELDS = [
  'message',
  'host.name',
  'host.hostname',
  'host.domain',
  'host.ip',
  'user.name',
  'user.domain',
  'user.target.name',
  'source.ip',
  'source.port',
  'source.bytes',
  'destination.ip',
  'destination.port',
  'destination.bytes',
  'network.transport',
  'network.protocol',
  'network.direction',
  'process.pid',
  'process.entity_id',
  'process.name',
  'process.executable',
  'process.command_line',
  'process.hash.md5',
  'process.hash.sha1',
  'process.hash.sha256',
  'process.pe.imphash',
  'process.parent.pid',
  'process.parent.entity_id',
  'process.parent.name',
  'process.parent.executable',
  'process.parent.command_line',
  'file.path',
  'file.hash.md5',
  'file.hash.sha1',
  'file.hash.sha256',
  'file.pe.imphash',
  'registry.path',
  'registry.value',
  'dns.question.name',
  'url.full',
  'http.request.method',
  'http.response.status_code',
  'user_agent.original',
  'event.code',
  'event.provider',
  'event.action',
  'event.category',
  'event.outcome',
  'event.severity',
  'event.duration',
  'log.level',
  'winlog.channel',
  'rule.name',
] as const;

/** One ECS field name. */
export type EcsField = (typeof ECS_FIELDS)[number];
/** The normalised projection: only the fields a record carries are present. */
export type EcsFields = Partial<Record<EcsField, string | number>>;

/** Where an event came from. */
export interface EventSource {
  /** Parser format name, e.g. `json`, `syslog`, `cef`, `windows`, `evtx`. */
  readonly format: string;
  /** How it arrived. */
  readonly kind: 'file' | 'udp' | 'tcp' | 'http' | 'demo' | 'replay';
  /** File path, listener address or request origin. */
  readonly name: string;
  /** Sending host as seen by the transport (peer address), when known. */
  readonly peer?: string;
}

/** A normalised event. */
export interface SocEvent {
  /** Deterministic id: hash of tenant, source identity and the record (see `eventId`). */
  readonly id: string;
  /** Event time, epoch milliseconds (UTC). Falls back to ingest time when the record has none. */
  readonly time: number;
  /** When the node received it, epoch milliseconds. */
  readonly ingested: number;
  readonly tenant: string;
  readonly source: EventSource;
  /** The original record exactly as received (decoded as UTF-8; binary formats give their JSON rendering). */
  readonly raw: string;
  /** Original fields, flattened. */
  readonly fields: FlatFields;
  /** ECS-style projection. */
  readonly ecs: EcsFields;
  /** Ground-truth label for simulated or replayed data: an ATT&CK technique id or `benign`. */
  readonly label?: string;
}

/** Reads a field by name from an event: ECS names first, then original fields. */
export function getField(event: Pick<SocEvent, 'fields' | 'ecs'>, name: string): FieldValue | undefined {
  const ecs = (event.ecs as Record<string, string | number | undefined>)[name];
  if (ecs !== undefined) return ecs;
  return event.fields[name];
}
