/**
 * @module
 * Schema validation of Sigma documents with Ajv (draft 2020-12), compiled once per process.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { CORRELATION_SCHEMA, FILTER_SCHEMA, RULE_SCHEMA } from './schemas.js';

/** The three Sigma document kinds. */
export type DocumentKind = 'rule' | 'correlation' | 'filter';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let validators: Record<DocumentKind, ValidateFunction> | undefined;

function getValidators(): Record<DocumentKind, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addFormat('uuid', UUID);
    validators = {
      rule: ajv.compile(RULE_SCHEMA),
      correlation: ajv.compile(CORRELATION_SCHEMA),
      filter: ajv.compile(FILTER_SCHEMA),
    };
  }
  return validators;
}

/**
 * Descriptive metadata: a malformed value here (e.g. the old `2019/10/24` date spelling) does not
 * change what a rule detects, so it is reported as a warning instead of rejecting the rule.
 */
const METADATA = new Set([
  'date',
  'modified',
  'tags',
  'references',
  'falsepositives',
  'author',
  'description',
  'status',
  'related',
  'fields',
  'scope',
  'license',
  'level',
  'id',
]);

/** Schema problems of a document: errors reject it, warnings only concern metadata. */
export interface SchemaReport {
  readonly error?: string;
  readonly warnings: readonly string[];
}

/** Validates a document of the given kind. */
export function validateDocument(kind: DocumentKind, doc: unknown): SchemaReport {
  const v = getValidators()[kind];
  if (v(doc)) return { warnings: [] };
  const errors = v.errors ?? [];
  const structural = errors.find((e) => !METADATA.has(topKey(e)));
  if (structural) return { error: formatError(structural), warnings: [] };
  return { warnings: [...new Set(errors.map(formatError))] };
}

function topKey(e: ErrorObject): string {
  const key = e.instancePath.split('/')[1];
  if (key !== undefined) return key;
  // A missing required property is reported on the parent.
  return e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty) : '';
}

function formatError(e: ErrorObject | undefined): string {
  if (!e) return 'schema violation';
  const where = e.instancePath === '' ? 'document' : e.instancePath.slice(1).replaceAll('/', '.');
  const extra = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `schema: ${where} ${e.message ?? 'is invalid'}${extra}`;
}
