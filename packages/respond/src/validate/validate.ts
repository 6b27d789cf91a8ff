/**
 * @module
 * Playbook validation: the OASIS schemas (when the node has them, with the documented patch of
 * their command defect), the structural rules the engine relies on, and the semantic checks.
 * A playbook is valid when none of them finds an error; warnings do not invalidate.
 */
import type { Playbook } from '../cacao/types.js';
import { DEFAULT_READ_LIMITS, readPlaybookText, type ReadLimits } from '../cacao/read.js';
import type { CacaoSchemaValidator } from './schemas.js';
import { semanticFindings } from './semantic.js';
import { structuralProblems } from './structure.js';

/** The verdict on one playbook. */
export interface PlaybookValidation {
  readonly valid: boolean;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** The playbook, when valid. */
  readonly playbook?: Playbook;
}

/** Options of validation. */
export interface ValidateOptions {
  /** The OASIS schemas; without them only the code rules and semantic checks run. */
  readonly schemas?: CacaoSchemaValidator | undefined;
  readonly limits?: ReadLimits;
}

/** Validates a parsed playbook document. */
export function validatePlaybook(doc: unknown, options: ValidateOptions = {}): PlaybookValidation {
  const structural = structuralProblems(doc);
  const schema = options.schemas ? options.schemas.validate(doc) : [];
  // With the schemas, the code rules only speak when the schemas found nothing (they overlap).
  const shape = options.schemas ? (schema.length > 0 ? schema : structural) : structural;
  const semantic = semanticFindings(doc);
  const errors = [...new Set([...shape, ...semantic.errors])];
  const valid = errors.length === 0;
  return { valid, errors, warnings: semantic.warnings, ...(valid ? { playbook: doc as Playbook } : {}) };
}

/** Reads and validates playbook text (bounded in size and depth first). */
export function validatePlaybookText(text: string, options: ValidateOptions = {}): PlaybookValidation {
  const r = readPlaybookText(text, options.limits ?? DEFAULT_READ_LIMITS);
  if (!r.ok) return { valid: false, errors: [`/: ${r.reason}`], warnings: [] };
  return validatePlaybook(r.value, options);
}
