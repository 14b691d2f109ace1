import { z } from 'zod';
import { GENERATIVE_SLUGS, generativeRequestSchemas } from '../contract/generative.js';
import { superimposeRequestSchema } from '../contract/superimpose.js';

/** JSON Schema of a request body, generated from its zod schema; bytes are a library-only form, so images are strings here. */
function requestBodySchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'openapi-3.0',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const anyOf = jsonSchema.anyOf as object[] | undefined;
      if (anyOf?.some((s) => Object.keys(s).length === 0)) {
        delete jsonSchema.anyOf;
        Object.assign(jsonSchema, { type: 'string', minLength: 1, format: 'base64 | data: URI | http(s) URL' });
      }
    },
  }) as Record<string, unknown>;
}

const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const json = (schema: object) => ({ 'application/json': { schema } });
const images = { 'image/jpeg': {}, 'image/png': {}, 'image/webp': {} };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const jobState = {
  type: 'object',
  properties: {
    request_id: { type: 'string' },
    status: { type: 'string', enum: ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED'] },
    metrics: { type: 'object', properties: { inference_time: { type: 'number', description: 'seconds' } } },
  },
};

const schemaName = (slug: string) => `${slug.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase())}Request`;

/** Forwarded to Segmind after validation; answers are upstream's, passed through. */
function generativePaths(slug: (typeof GENERATIVE_SLUGS)[number]): [string, object][] {
  const body = { required: true, content: json({ $ref: `#/components/schemas/${schemaName(slug)}` }) };
  const passThrough = { description: "Upstream's answer, passed through (x-remaining-credits included)" };
  return [
    [`/v1/${slug}`, { post: { summary: `${slug}, forwarded to Segmind`, requestBody: body, responses: { 200: passThrough, ...errors(400, 401, 502, 504) } } }],
    [`/v2/${slug}`, { post: { summary: `${slug} job, submitted to Segmind; polled through this server`, requestBody: body, responses: { 200: passThrough, ...errors(400, 401, 502, 504) } } }],
  ];
}

/** The OpenAPI 3 document served at /openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const body = { required: true, content: json({ $ref: '#/components/schemas/SuperimposeRequest' }) };
  return {
    openapi: '3.0.3',
    info: { title: 'superimpose-local', version: '1', description: "Local re-implementation of Segmind's superimpose API." },
    components: {
      schemas: {
        SuperimposeRequest: requestBodySchema(superimposeRequestSchema),
        ...Object.fromEntries(GENERATIVE_SLUGS.map((slug) => [schemaName(slug), requestBodySchema(generativeRequestSchemas[slug])])),
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } } },
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/v1/superimpose': {
        post: {
          summary: 'Superimpose, synchronously',
          requestBody: body,
          responses: { 200: { description: 'The image, or {"image": base64} when base64 is true', content: { ...images, ...json({ type: 'object', properties: { image: { type: 'string' } } }) } }, ...errors(400, 401, 413, 429) },
        },
      },
      '/v2/superimpose': {
        post: {
          summary: 'Submit a superimpose job',
          requestBody: body,
          responses: {
            200: { description: 'Queued', content: json({ type: 'object', properties: { request_id: { type: 'string' }, status: { type: 'string' }, status_url: { type: 'string', format: 'uri' }, response_url: { type: 'string', format: 'uri' } } }) },
            ...errors(400, 401, 413, 429),
          },
        },
      },
      '/v2/requests/{id}/status': {
        get: { summary: 'Job status', parameters: idParam, responses: { 200: { description: 'State', content: json(jobState) }, ...errors(401, 404, 422) } },
      },
      '/v2/requests/{id}': {
        get: {
          summary: 'Job result',
          parameters: idParam,
          responses: {
            200: { description: 'Completed: output is an absolute image URL, or a data: URI when base64 was true', content: json({ ...jobState, properties: { ...jobState.properties, output: { type: 'string' }, error: { type: 'string', nullable: true } } }) },
            202: { description: 'Not finished yet', content: json(jobState) },
            ...errors(401, 404, 422),
          },
        },
      },
      '/v2/requests/{id}/output': { get: { summary: 'Job output image (no key needed: the id is the capability)', security: [], parameters: idParam, responses: { 200: { description: 'The image', content: images }, ...errors(404, 422) } } },
      ...Object.fromEntries(GENERATIVE_SLUGS.flatMap((slug) => generativePaths(slug))),
      '/health': { get: { summary: 'Ready', security: [], responses: { 200: { description: 'Ready', content: json({ type: 'object' }) } } } },
    },
  };
}
