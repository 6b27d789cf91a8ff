/**
 * @module
 * STIX validation for the API (`POST /api/intel/validate`): the code rules always, the OASIS
 * schemas when the node finds them (`INTERSOC_STIX_SCHEMAS`, else the shared corpora's
 * cti-stix2-json-schemas). The schemas are compiled once, on first use: that takes about a
 * second and most nodes never validate.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StixValidationService } from '@intersoc/api';
import { loadStixSchemas, validateStix, type SchemaValidator } from '@intersoc/cti';

/** The repository root (this file is in apps/node/{src,dist}/node/dashboard). */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

/** Where the node looks for the OASIS schemas. */
export function stixSchemaDir(): string {
  const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(REPO, '../shared/corpora');
  return process.env['INTERSOC_STIX_SCHEMAS'] ?? path.join(corpora, 'cti', 'stix2-json-schemas', 'schemas');
}

/** The validation service; `dir` overrides where the schemas are (absent: code rules only). */
export function stixValidationService(dir: string = stixSchemaDir()): StixValidationService {
  let schemas: SchemaValidator | undefined;
  let loaded = false;
  return {
    validate(document, version) {
      if (!loaded) {
        loaded = true;
        if (existsSync(dir)) schemas = loadStixSchemas(dir);
      }
      const v = validateStix(document, {
        ...(schemas ? { schemas } : {}),
        ...(version === undefined ? {} : { version }),
      });
      return { valid: v.valid, version: v.version, objects: v.objects, errors: v.errors, warnings: v.warnings };
    },
  };
}
