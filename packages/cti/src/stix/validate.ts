/**
 * @module
 * STIX validation: a document (one object, a bundle, or an array of either) is checked against
 * the OASIS schemas, when they are loaded, and always against the code rules. Bundles are
 * validated object by object so every issue carries a precise path (`/objects/3/modified`).
 */
import { checkRules } from './rules.js';
import type { SchemaValidator, StixIssue } from './schema-validator.js';
import { ID_PATTERN } from './vocab.js';

/** Outcome of validating one document. */
export interface StixValidation {
  readonly valid: boolean;
  readonly errors: readonly StixIssue[];
  /** Number of STIX objects examined. */
  readonly objects: number;
}

/** Validation options. */
export interface ValidateOptions {
  /** OASIS schema validator; without it only the code rules run. */
  readonly schemas?: SchemaValidator;
}

/**
 * Validates a parsed JSON document.
 *
 * @example
 * const v = validateStix(JSON.parse(text), { schemas: loadStixSchemas(dir) });
 * if (!v.valid) console.log(v.errors[0]?.path, v.errors[0]?.message);
 */
export function validateStix(doc: unknown, options: ValidateOptions = {}): StixValidation {
  const errors: StixIssue[] = [];
  let objects = 0;
  const visitObject = (o: unknown, base: string): void => {
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
    if (options.schemas) errors.push(...options.schemas.validateObject(obj, base));
    errors.push(...checkRules(obj, base));
  };
  const visitBundle = (b: Record<string, unknown>, base: string): void => {
    objects--;
    const id = b['id'];
    if (typeof id !== 'string' || !ID_PATTERN.test(id) || !id.startsWith('bundle--')) {
      errors.push({ path: `${base}/id`, message: 'a bundle needs an id bundle--<uuid>', rule: 'bundle' });
    }
    const objs = b['objects'];
    if (objs === undefined) return;
    if (!Array.isArray(objs)) {
      errors.push({ path: `${base}/objects`, message: 'objects must be an array', rule: 'bundle' });
      return;
    }
    objs.forEach((o, i) => visitObject(o, `${base}/objects/${i}`));
  };
  if (Array.isArray(doc)) doc.forEach((o, i) => visitObject(o, `/${i}`));
  else visitObject(doc, '');
  return { valid: errors.length === 0, errors: dedupe(errors), objects };
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
