/**
 * @module
 * The JSON format: `{ "entities": [...], "dependencies": [...] }` with the fields of `Entity`
 * and `Dependency` (camelCase; defaults as in the schema). Unknown fields are errors, so a typo
 * is not silently dropped.
 */
import { AppError } from '@intersoc/core';
import { z } from 'zod';
import { GraphDataSchema } from '../model/schema.js';
import type { Entity, ImportResult } from '../model/types.js';

/** Validates a parsed JSON graph document. */
export function graphFromJson(doc: unknown): ImportResult {
  const r = GraphDataSchema.safeParse(doc);
  if (!r.success) {
    const first = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('VALIDATION', `not a dependency graph: ${first.join('; ')}`, {
      details: { issues: z.treeifyError(r.error) as unknown as Record<string, unknown> },
    });
  }
  const entities = r.data.entities.map(
    (e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as unknown as Entity,
  );
  return { data: { entities, dependencies: r.data.dependencies }, warnings: [] };
}

/** Parses the JSON format from text. */
export function parseGraphJson(text: string): ImportResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AppError('PARSE', `not JSON: ${(err as Error).message}`);
  }
  return graphFromJson(doc);
}
