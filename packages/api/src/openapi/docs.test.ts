import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness } from '../internal/testing.js';
import type { Harness } from '../internal/testing.js';

interface Operation {
  security?: unknown[];
  'x-intersoc-roles'?: unknown;
  responses?: Record<string, unknown>;
  requestBody?: { content: Record<string, unknown> };
  summary?: string;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await createHarness();
  const r = await h.app.inject({ method: 'GET', url: '/api/docs' });
  expect(r.statusCode).toBe(200);
  doc = r.json<Doc>();
});
afterAll(async () => {
  await h.close();
});

describe('OpenAPI description', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator does reject a broken document, so the check above means something.
    const broken = { ...doc, paths: { '/x': { get: { responses: { 200: { content: 'nope' } } } } } };
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('lists every route with its roles, security and a summary', () => {
    const routes = h.routes.filter((r) => r.url !== '/api/docs');
    expect(routes.length).toBeGreaterThanOrEqual(18);
    for (const route of routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(op?.summary, `${route.method} ${path}`).toBeTruthy();
      if (route.access === 'public') {
        expect(op?.security).toEqual([]);
        expect(op?.['x-intersoc-roles']).toBe('public');
      } else {
        expect(op?.['x-intersoc-roles']).toEqual(route.access);
        expect(op?.security?.length).toBe(3);
      }
    }
    const documented = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('documents error responses, named schemas and the raw ingest body', () => {
    expect(doc.components.schemas).toHaveProperty('Error');
    expect(doc.components.schemas).toHaveProperty('SocEvent');
    expect(doc.paths['/api/users']?.['post']?.responses).toHaveProperty('4XX');
    expect(Object.keys(doc.paths['/api/ingest']?.['post']?.requestBody?.content ?? {})).toContain(
      'application/x-ndjson',
    );
  });

  it('requires every mutating route to be audited', () => {
    for (const r of h.routes.filter((x) => x.method !== 'GET'))
      expect(r.audit, `${r.method} ${r.url}`).toMatch(/^[a-z]+\.[a-z]+$/);
  });
});
