/**
 * @module
 * STIX validation: a document (one object, a bundle, or an array of either) is checked against
 * the OASIS schemas, when they are loaded, and always against the code rules; best practices
 * (the OASIS validator's SHOULD checks) come back as warnings. Bundles are validated object by
 * object so every issue carries a precise path (`/objects/3/modified`).
 *
 * Objects are read in the version their document declares: a STIX 2.0 bundle carries
 * `spec_version: "2.0"` and its objects none, so they are 2.0 objects (the 2.1 schemas, which
 * require `spec_version` on each object, do not apply to them); anything else is read as 2.1.
 */
import { checkBestPractices, checkDuplicateIds } from './best-practices.js';
import { checkRules } from './rules.js';
import type { SchemaValidator, StixIssue } from './schema-validator.js';
import { declaredVersion, type StixVersion } from './spec-20.js';
import { ID_PATTERN } from './vocab.js';

/** Outcome of validating one document. */
export interface StixValidation {
  /** True when there is no error; warnings do not make a document invalid. */
  readonly valid: boolean;
  readonly errors: readonly StixIssue[];
  /** Best-practice findings (SHOULD requirements), named as the OASIS validator names its checks. */
  readonly warnings: readonly StixIssue[];
  /** Number of STIX objects examined. */
  readonly objects: number;
  /** The version the objects were read as (of the first bundle or object). */
  readonly version: StixVersion;
}

/** Validation options. */
export interface ValidateOptions {
  /** OASIS schema validator; without it only the code rules run (and fewer best practices). */
  readonly schemas?: SchemaValidator;
  /** Read every object as this version instead of the version the document declares. */
  readonly version?: StixVersion;
}

/**
 * Validates a parsed JSON document.
 *
 * @example
 * const v = validateStix(JSON.parse(text), { schemas: loadStixSchemas(dir) });
 * if (!v.valid) console.log(v.errors[0]?.path, v.errors[0]?.message);
 * for (const w of v.warnings) console.log('warning', w.path, w.message, w.rule);
 */
export function validateStix(doc: unknown, options: ValidateOptions = {}): StixValidation {
  const errors: StixIssue[] = [];
  const warnings: StixIssue[] = [];
  let objects = 0;
  let first: StixVersion | undefined;
  const visitObject = (o: unknown, base: string, inherited: StixVersion | undefined): void => {
    objects++;
    if (!o || typeof o !== 'object' || Array.isArray(o)) {
      errors.push({ path: base || '/', message: 'a STIX object must be a JSON object', rule: 'type' });
      return;
    }
    const obj = o as Record<string, unknown>;
    if (obj['type'] === 'bundle') {
      visitBundle(obj, base);
      return;
    }
    const version = options.version ?? inherited ?? (declaredVersion(obj) === '2.0' ? '2.0' : '2.1');
    first ??= version;
    // The OASIS schemas in use are the 2.1 ones.
    if (options.schemas && version === '2.1') errors.push(...options.schemas.validateObject(obj, base));
    errors.push(...checkRules(obj, base, version));
    warnings.push(
      ...checkBestPractices(obj, base, { version, ...(options.schemas ? { schemas: options.schemas } : {}) }),
    );
  };
  const visitBundle = (b: Record<string, unknown>, base: string): void => {
    objects--;
    const id = b['id'];
    if (typeof id !== 'string' || !ID_PATTERN.test(id) || !id.startsWith('bundle--')) {
      errors.push({ path: `${base}/id`, message: 'a bundle needs an id bundle--<uuid>', rule: 'bundle' });
    }
    // 2.0 bundles carry spec_version "2.0"; 2.1 bundles have none (their objects carry it).
    const declared = b['spec_version'];
    if (declared !== undefined && declared !== '2.0' && declared !== '2.1') {
      errors.push({
        path: `${base}/spec_version`,
        message: `unknown STIX version ${JSON.stringify(declared)}`,
        rule: 'bundle',
      });
    }
    const version = declared === '2.0' ? '2.0' : undefined;
    first ??= version;
    const objs = b['objects'];
    if (objs === undefined) return;
    if (!Array.isArray(objs)) {
      errors.push({ path: `${base}/objects`, message: 'objects must be an array', rule: 'bundle' });
      return;
    }
    objs.forEach((o, i) => visitObject(o, `${base}/objects/${i}`, version));
    warnings.push(...checkDuplicateIds(objs, base));
  };
  if (Array.isArray(doc)) doc.forEach((o, i) => visitObject(o, `/${i}`, undefined));
  else visitObject(doc, '', undefined);
  const e = dedupe(errors);
  return {
    valid: e.length === 0,
    errors: e,
    warnings: dedupe(warnings),
    objects,
    version: options.version ?? first ?? '2.1',
  };
}

function dedupe(issues: StixIssue[]): StixIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\0${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
