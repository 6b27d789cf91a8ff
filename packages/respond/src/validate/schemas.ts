/**
 * @module
 * Validation against the OASIS CACAO 2.0 JSON schemas (oasis-open/cacao-json-schemas), read from a
 * folder at run time (they are not vendored). The schemas declare draft-07 but use the 2019-09
 * keyword `unevaluatedProperties`, so they run on Ajv2019 with the draft-07 meta-schema.
 *
 * **The upstream defect, and what we do about it.** `commands/command-data.json` (the base of
 * every command type) ends with `unevaluatedProperties: false` at its root. Each command type
 * (`http-api.json`, `manual.json`, ...) includes it with `allOf: [{ $ref: command-data.json }, ...]`,
 * and a referenced schema judges "unevaluated" only by its own subschemas, so the base rejects the
 * very properties its types add (`command`, `content`, `headers`): no real command validates.
 * Worse, `workflows/action.json` checks `commands` only against the base schema, never against the
 * schema of the command's type. We apply the two-line patch the corpus's `tools/` describe:
 * 1. the root `unevaluatedProperties` of `command-data.json` is dropped (each type schema keeps its
 *    own, which sees both the base and its own properties, so unknown properties still fail);
 * 2. each command in an action is dispatched by its `type` to its type's schema, and a command of
 *    a type the vocabulary does not list (the vocabulary is open) to the base schema.
 * Everything else is validated as published: agent and target dictionaries, for example, still
 * accept only the listed object types and no extra properties, as the schemas say.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type * as Ajv2019Module from 'ajv/dist/2019.js';
import { RE2JS } from 're2js';
import { AppError } from '@intersoc/core';

const require = createRequire(import.meta.url);
// ajv's 2019 entry is CommonJS; createRequire keeps its default export intact.
const Ajv2019 = (require('ajv/dist/2019') as typeof Ajv2019Module.default).default;
const DRAFT_07 = require('ajv/dist/refs/json-schema-draft-07.json') as Record<string, unknown>;

/** Validates a whole playbook against the OASIS schemas. */
export interface CacaoSchemaValidator {
  /** Problems as `<json pointer>: <message>`; empty when valid. */
  validate(doc: unknown): string[];
  /** Folder the schemas were read from. */
  readonly dir: string;
  /** Command types that have their own schema. */
  readonly commandTypes: readonly string[];
}

interface RegExpLike {
  test(s: string): boolean;
  toString(): string;
}

/** Schema patterns run on RE2 (linear time): they see untrusted documents. */
function safeRegExp(pattern: string): RegExpLike {
  try {
    const re = RE2JS.compile(pattern);
    return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` };
  } catch {
    return new RegExp(pattern);
  }
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

type Schema = Record<string, unknown> & { $id?: string };

/** The dispatching schema that replaces `action.json`'s plain reference to the base command. */
function dispatchSchema(baseId: string, types: readonly string[]): Schema {
  const dir = baseId.slice(0, baseId.lastIndexOf('/') + 1);
  return {
    $id: `${dir}command-dispatch.json`,
    type: 'object',
    allOf: [
      ...types.map((t) => ({
        if: { required: ['type'], properties: { type: { const: t } } },
        then: { $ref: `${t}.json` },
      })),
      {
        if: { required: ['type'], properties: { type: { enum: [...types] } } },
        else: { $ref: 'command-data.json' },
      },
    ],
  };
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  let extra = '';
  if (e.keyword === 'unevaluatedProperties' && typeof p['unevaluatedProperty'] === 'string') {
    extra = ` (${p['unevaluatedProperty']})`;
  } else if (e.keyword === 'enum' && Array.isArray(p['allowedValues'])) {
    extra = `: ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${where} ${e.message ?? 'is invalid'}${extra}`;
}

/** Drops the wrapper errors (`if`, `anyOf`, `not`) that only repeat a more precise one at or below the same place. */
function precise(errors: readonly ErrorObject[]): ErrorObject[] {
  const wrappers = new Set(['if', 'anyOf', 'oneOf', 'allOf']);
  return errors.filter(
    (e) =>
      !wrappers.has(e.keyword) ||
      !errors.some((o) => !wrappers.has(o.keyword) && o !== e && o.instancePath.startsWith(e.instancePath)),
  );
}

/**
 * Loads the CACAO 2.0 schemas from `dir` (the `schemas/` folder of cacao-json-schemas) with the
 * documented patch applied (`patchDefect: false` validates as published, to show the defect).
 * Throws CONFIG when the folder holds no playbook schema.
 *
 * @example
 * const v = loadCacaoSchemas('../shared/corpora/response/cacao/cacao-json-schemas/schemas');
 * const problems = v.validate(JSON.parse(text));
 */
export function loadCacaoSchemas(dir: string, options: { readonly patchDefect?: boolean } = {}): CacaoSchemaValidator {
  const patch = options.patchDefect !== false;
  let files: string[];
  try {
    files = listJson(dir);
  } catch (err) {
    throw new AppError('CONFIG', `cannot read CACAO schemas in ${dir}`, { cause: err });
  }
  const schemas = new Map<string, Schema>();
  for (const f of files) {
    const s = JSON.parse(readFileSync(f, 'utf8')) as Schema;
    if (typeof s.$id === 'string') schemas.set(path.relative(dir, f).split(path.sep).join('/'), s);
  }
  const playbook = schemas.get('playbook.json');
  const base = schemas.get('commands/command-data.json');
  const action = schemas.get('workflows/action.json');
  if (!playbook?.$id || !base?.$id || !action) throw new AppError('CONFIG', `no CACAO playbook schemas in ${dir}`);
  // Patch 1: the base command schema no longer rejects the properties of its own types.
  if (patch) delete base['unevaluatedProperties'];
  // Patch 2: commands are checked against the schema of their type.
  const commandTypes = [...schemas.keys()]
    .filter((k) => k.startsWith('commands/') && k !== 'commands/command-data.json')
    .map((k) => k.slice('commands/'.length, -'.json'.length))
    .sort();
  const dispatch = dispatchSchema(base.$id, commandTypes);
  const props = (action['allOf'] as Schema[] | undefined)?.find((s) => s['properties'])?.['properties'] as
    Record<string, Schema> | undefined;
  const commands = props?.['commands'];
  if (!commands) throw new AppError('CONFIG', `workflows/action.json in ${dir} has no commands property`);
  if (patch) commands['items'] = { $ref: '../commands/command-dispatch.json' };

  const ajv = new Ajv2019({
    strict: false,
    allErrors: true,
    unicodeRegExp: false,
    code: { regExp: safeRegExp as never },
  });
  ajv.addMetaSchema(DRAFT_07);
  for (const s of schemas.values()) ajv.addSchema(s);
  ajv.addSchema(dispatch);
  let check: ValidateFunction;
  try {
    check = ajv.getSchema(playbook.$id) ?? ajv.compile(playbook);
  } catch (err) {
    throw new AppError('CONFIG', `CACAO schemas in ${dir} do not compile: ${(err as Error).message}`, { cause: err });
  }
  return {
    dir,
    commandTypes,
    validate(doc: unknown): string[] {
      if (check(doc)) return [];
      return [...new Set(precise(check.errors ?? []).map(describe))];
    },
  };
}
