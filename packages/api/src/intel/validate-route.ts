/**
 * @module
 * `POST /api/intel/validate`: checks a STIX document (bundle, object or array) without storing
 * it, and answers its errors and best-practice warnings the way the OASIS validator reports them.
 */
import { z } from 'zod';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';
import { noteAudit } from '../access/request-state.js';
import { READERS } from '../dashboard/common.js';

/** One finding, located by a JSON pointer into the document. */
export interface StixFinding {
  readonly path: string;
  readonly message: string;
  /** The rule or best-practice check (`required`, `lang`, `custom-prefix`, `uuid-check`, ...). */
  readonly rule: string;
}

/** The verdict on one document. */
export interface StixValidationReport {
  readonly valid: boolean;
  /** The STIX version the objects were read as. */
  readonly version: '2.0' | '2.1';
  readonly objects: number;
  readonly errors: readonly StixFinding[];
  readonly warnings: readonly StixFinding[];
}

/** STIX validation as the node provides it (with the OASIS schemas when it has them). */
export interface StixValidationService {
  validate(document: unknown, version?: '2.0' | '2.1'): StixValidationReport;
}

/** Largest document validated. */
const VALIDATE_LIMIT = 16 * 1024 * 1024;

const Finding = z.object({ path: z.string(), message: z.string(), rule: z.string() });

/** Registers the validation route. */
export function registerStixValidationRoute(app: ApiApp, deps: { readonly validation: StixValidationService }): void {
  app.post(
    '/api/intel/validate',
    {
      bodyLimit: VALIDATE_LIMIT,
      // A POST is audited like any other, although nothing is stored.
      config: { access: READERS, audit: 'intel.validate' },
      schema: {
        tags: ['intel'],
        summary: 'Validate a STIX document without storing it',
        description:
          'Errors (schema and specification rules) make a document invalid; warnings are the best practices the OASIS validator checks. A 2.0 bundle is read as STIX 2.0.',
        querystring: z.object({
          version: z.enum(['2.0', '2.1']).optional().describe('read every object as this version'),
        }),
        body: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]),
        response: {
          200: z.object({
            valid: z.boolean(),
            version: z.enum(['2.0', '2.1']),
            objects: z.number().int(),
            errors: z.array(Finding).readonly(),
            warnings: z.array(Finding).readonly(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const report = deps.validation.validate(request.body, request.query.version);
      noteAudit(request, {
        details: { valid: report.valid, errors: report.errors.length, warnings: report.warnings.length },
      });
      return report;
    },
  );
}
