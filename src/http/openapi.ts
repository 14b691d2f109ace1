import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

type Document = ReturnType<typeof jsonSchemaTransformObject>;

/** The transform emits every registered schema in both its input and output form: keep those the paths use. */
function withoutUnusedSchemas(document: Document): Document {
  const schemas = 'components' in document ? document.components?.schemas : undefined;
  if (!schemas) return document;
  const used = new Set([...JSON.stringify(document.paths).matchAll(/#\/components\/schemas\/([^"]+)/g)].map((match) => match[1]));
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return document;
}

/** Every 429 and 503 says when to come back; the schema transform keeps only a response's content, so the header is added here. */
function withRetryAfter(document: Document): Document {
  const header = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      const responses = (operation as { responses?: Record<string, { headers?: object }> }).responses;
      for (const busy of [responses?.['429'], responses?.['503']]) if (busy) busy.headers = { 'Retry-After': header };
    }
  }
  return document;
}

/** Where the generated document is served as JSON; swagger-ui is at /docs. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The OpenAPI document, generated from the routes' own zod schemas, so it
 * cannot drift from what the server validates and answers. Registered before
 * the routes, whose onRoute it collects. Key security is declared only when
 * keys are configured: the document describes this server as it runs.
 */
export function registerOpenApi(app: FastifyInstance, { keyed }: { keyed: boolean }): void {
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'superimpose-local', version: '1', description: "Local re-implementation of Segmind's superimpose API, with a validated proxy for its generative models." },
      components: keyed ? { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } } : {},
      security: keyed ? [{ apiKey: [] }] : [],
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: (document) => withRetryAfter(withoutUnusedSchemas(jsonSchemaTransformObject(document))),
  });
  void app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  void app.register(async (scope) => {
    scope.get(OPENAPI_PATH, { schema: { hide: true } }, async () => scope.swagger());
  });
}
