/**
 * @module
 * `@intersoc/core`: the event and alert model, detector and parser seams, ids, time,
 * errors and the configuration schema. Core does no I/O.
 */

// errors and results
export { AppError, APP_ERROR_CODES, isAppError, toAppError } from './errors.js';
export type { AppErrorCode } from './errors.js';
export { fail, ok } from './result.js';
export type { Result } from './result.js';

// identity
export { DEFAULT_TENANT, ROLES, requireRole, systemContext, TENANT_PATTERN } from './context.js';
export type { AuthContext, Role } from './context.js';

// events and alerts
export { ECS_FIELDS, getField } from './event.js';
export type { EcsField, EcsFields, EventSource, FieldValue, FlatFields, Scalar, SocEvent } from './event.js';
export { SEVERITIES } from './alert.js';
export type { Alert, AlertDraft, DetectorRef, Entity, EntityType, Severity } from './alert.js';
export { fieldText, flattenInto } from './flatten.js';
export { accountName, isIpLiteral, shortHostName, splitAccount, splitHost } from './names.js';
export type { AccountParts, HostParts } from './names.js';
export type { FlattenLimits } from './flatten.js';

// plug-in seams
export type { Detector } from './detector.js';
export type {
  BinaryDecoder,
  FormatPlugin,
  Framing,
  OpenOptions,
  ParsedRecord,
  ParseResult,
  RecordParser,
} from './parser.js';

// ids and time
export { eventId, randomId, stableId } from './ids.js';
export { dayLabel, dayOf, dayStart, isoTime, parseTime } from './time.js';

// configuration
export { ConfigSchema, PersonalFieldSchema, retentionFor } from './config.js';
export type { Config, ConfigInput, PersonalField } from './config.js';
