/**
 * @module
 * OpenAPI 3.1 description of the API, generated from the routes' zod schemas, and served at
 * `GET /api/docs`. Each operation lists its allowed roles (`x-intersoc-roles`) and security.
 */
import fastifySwagger from '@fastify/swagger';
import type { SwaggerTransform } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAccess } from '../access/request-state.js';
import type { ApiApp } from '../internal/app-types.js';

const SECURITY = [{ bearerAuth: [] }, { basicAuth: [] }, { sessionCookie: [] }];

/** Adds roles, security and raw-body documentation to the zod provider's transform. */
const transform: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]) as {
    schema: Record<string, unknown>;
    url: string;
  };
  const config = (input.route.config ?? {}) as { access?: RouteAccess; rawBody?: readonly string[] };
  const access = config.access;
  // Routes mounted by plug-ins without a zod schema (TAXII has its own specification) stay out of
  // the node's API description.
  if ((out.schema as Record<string, unknown> | undefined) === undefined) return { ...out, schema: { hide: true } };
  if (out.schema['hide'] === true) return out;
  const schema: Record<string, unknown> = { ...out.schema };
  if (access === 'public') {
    schema['security'] = [];
    schema['x-intersoc-roles'] = 'public';
  } else if (access !== undefined) {
    schema['security'] = SECURITY;
    schema['x-intersoc-roles'] = [...access];
    const note = `Roles: ${access.join(', ')}.`;
    schema['description'] = typeof schema['description'] === 'string' ? `${schema['description']}\n\n${note}` : note;
  }
  if (config.rawBody) {
    schema['body'] = { type: 'string', format: 'binary' };
    schema['consumes'] = [...config.rawBody];
  }
  return { ...out, schema };
};

/** Registers the OpenAPI generator and `GET /api/docs`. Call before any route is added. */
export async function registerDocs(app: ApiApp, info: { readonly version: string }): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'INTERSOC node API',
        version: info.version,
        description:
          'HTTP API of an INTERSOC SOC node. Errors are `{ "error": { "code", "message", "details"? } }`. ' +
          "Every query is scoped to the caller's tenant.",
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'API token (ist_...) or session token (iss_...)' },
          basicAuth: {
            type: 'http',
            scheme: 'basic',
            description: 'user name as tenant/user (or user of the default tenant)',
          },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'intersoc_session' },
        },
      },
    },
    transform,
    transformObject: jsonSchemaTransformObject,
  });

  app.get(
    '/api/docs',
    { config: { access: 'public' }, schema: { hide: true } },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
}
