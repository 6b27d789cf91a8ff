/**
 * @module
 * JSON Schemas (draft 2020-12) for the three Sigma document kinds, written from the v2.1.0
 * specification and kept equivalent to the official schemas (a corpus test compares verdicts).
 * Two deliberate widenings, both allowed by the specification text: `detection.condition` may be
 * a list of strings (the rules specification allows condition lists), and a filter's `rules` may
 * be the string `any`/`all` (pySigma's extension for logsource-wide filters).
 */

const date = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$' } as const;
const level = { enum: ['informational', 'low', 'medium', 'high', 'critical'] } as const;
const status = { enum: ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] } as const;
const stringList = { type: 'array', uniqueItems: true, items: { type: 'string' } } as const;
const logsource = {
  type: 'object',
  properties: {
    category: { type: 'string' },
    product: { type: 'string' },
    service: { type: 'string' },
    definition: { type: 'string' },
  },
} as const;
const searchIdentifier = {
  anyOf: [
    { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'object' }] } },
    { type: 'object' },
  ],
} as const;
const common = {
  title: { type: 'string', maxLength: 256 },
  id: { type: 'string', format: 'uuid' },
  name: { type: 'string', maxLength: 256 },
  taxonomy: { type: 'string', maxLength: 256 },
  status,
  description: { type: 'string', maxLength: 65535 },
  license: { type: 'string' },
  author: { type: 'string' },
  references: stringList,
  date,
  modified: date,
  level,
} as const;

/** Schema of detection rules. */
export const RULE_SCHEMA = {
  $id: 'intersoc:sigma-rule',
  type: 'object',
  required: ['title', 'logsource', 'detection'],
  properties: {
    ...common,
    related: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'type'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          type: { enum: ['derived', 'obsolete', 'merged', 'renamed', 'similar'] },
        },
      },
    },
    logsource,
    detection: {
      type: 'object',
      required: ['condition'],
      properties: {
        condition: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }] },
      },
      additionalProperties: searchIdentifier,
    },
    fields: stringList,
    falsepositives: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 2 } },
    tags: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9_-]+\\.[a-z0-9._-]+$' } },
    scope: { type: 'array', items: { type: 'string', minLength: 2 } },
  },
} as const;

const fieldDependent = (types: readonly string[], needsField: boolean): object => ({
  if: { properties: { type: { enum: types } } },
  then: needsField
    ? {
        required: ['condition', 'group-by', 'timespan'],
        properties: { condition: { required: ['field'] } },
      }
    : { required: ['group-by', 'timespan'] },
});

/** Schema of correlation rules. */
export const CORRELATION_SCHEMA = {
  $id: 'intersoc:sigma-correlation',
  type: 'object',
  required: ['title', 'correlation'],
  properties: {
    ...common,
    correlation: {
      type: 'object',
      required: ['type', 'rules', 'timespan'],
      properties: {
        type: {
          enum: [
            'event_count',
            'value_count',
            'temporal',
            'temporal_ordered',
            'value_sum',
            'value_avg',
            'value_percentile',
          ],
        },
        rules: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 2 } },
        aliases: { type: 'object', additionalProperties: { type: 'object' } },
        'group-by': stringList,
        timespan: { type: 'string', maxLength: 10 },
        condition: { type: 'object', minProperties: 1 },
      },
      allOf: [
        {
          if: { properties: { type: { const: 'event_count' } } },
          then: { required: ['condition', 'group-by', 'timespan'] },
        },
        fieldDependent(['temporal', 'temporal_ordered'], false),
        fieldDependent(['value_count', 'value_sum', 'value_avg', 'value_percentile'], true),
      ],
    },
    falsepositives: {
      anyOf: [
        { type: 'string', minLength: 2 },
        { type: 'array', items: { type: 'string', minLength: 2 } },
      ],
    },
    generate: { type: 'boolean' },
  },
} as const;

/** Schema of filters (meta filters). */
export const FILTER_SCHEMA = {
  $id: 'intersoc:sigma-filter',
  type: 'object',
  required: ['title', 'logsource', 'filter'],
  properties: {
    ...common,
    logsource,
    filter: {
      type: 'object',
      required: ['rules', 'selection', 'condition'],
      properties: {
        rules: {
          anyOf: [
            { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
            { enum: ['any', 'all'] },
          ],
        },
        selection: searchIdentifier,
        condition: { type: 'string' },
      },
    },
  },
} as const;
