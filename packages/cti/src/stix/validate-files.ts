/**
 * @module
 * Validation of files and directories of STIX JSON (what `intersoc stix validate` runs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { StixIssue } from './schema-validator.js';
import { validateStix, type ValidateOptions } from './validate.js';

/** Verdict for one file. */
export interface FileValidation {
  readonly path: string;
  readonly valid: boolean;
  readonly errors: readonly StixIssue[];
  /** Best-practice findings; they do not make the file invalid. */
  readonly warnings: readonly StixIssue[];
}

/** The named files, and every `.json` file under the named directories (sorted per directory). */
export function stixFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, named: boolean): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) walk(path.join(p, name), false);
    } else if (st.isFile() && (named || p.endsWith('.json'))) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Validates each file; unreadable or non-JSON files are invalid with a parse error. */
export function validateFiles(paths: readonly string[], options: ValidateOptions = {}): FileValidation[] {
  return stixFiles(paths).map((file) => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      return {
        path: file,
        valid: false,
        errors: [{ path: '/', message: `not JSON: ${(err as Error).message}`, rule: 'json' }],
        warnings: [],
      };
    }
    const v = validateStix(doc, options);
    return { path: file, valid: v.valid, errors: v.errors, warnings: v.warnings };
  });
}
