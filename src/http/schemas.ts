import { z } from 'zod';
import { OUTPUT_FORMATS, type OutputFormat } from '../engine/codec.js';

/**
 * The answers' schemas. Routes declare them per status, the serializer holds
 * every JSON answer to them, and the OpenAPI document is generated from them.
 */

const errorSchema = z.object({ error: z.string() }).meta({ id: 'Error', description: 'What went wrong, naming the field, what was expected and what was received' });

/** When each error status is answered. */
const ERROR_DESCRIPTIONS = {
  400: 'A bad parameter or an undecodable image; the message names the field',
  401: 'x-api-key missing or wrong, where keys are configured; for the proxy, no Segmind key at all',
  404: 'Unknown or expired request id',
  408: 'The body stalled or came too slowly (SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS, SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND); the connection is closed',
  413: 'Body, fetched image or pixel size over the limits',
  415: 'The body is not JSON',
  429: 'Too many waiting: retry after Retry-After seconds',
  502: 'Segmind could not be reached',
  503: 'Busy: too many bodies being read at once, a render past its time bound, or the job store (Redis) not answering; retry after Retry-After seconds',
  504: 'Segmind did not answer in time',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** A JSON answer with its description. */
export const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

/** Responses for error statuses, all `{"error": "..."}`. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]): Record<S, ReturnType<typeof json<typeof errorSchema>>> {
  const responses = {} as Record<S, ReturnType<typeof json<typeof errorSchema>>>;
  for (const status of statuses) responses[status] = json(ERROR_DESCRIPTIONS[status], errorSchema);
  return responses;
}

/** The body of an answer relayed from Segmind: whatever it sent. */
const relayedBody = z.unknown().meta({ description: "Segmind's own answer with this status, as it came" });

/**
 * Error responses of the routes that relay Segmind's answers (the proxy, and the
 * polls of a forwarded job): this server's {"error"}, or Segmind's own answer
 * with the same status, whose shape Segmind does not document.
 */
export function relayableErrorResponses<S extends ErrorStatus>(...statuses: S[]) {
  const responses = {} as Record<S, { description: string; content: { 'application/json': { schema: z.ZodType }; '*/*': { schema: typeof relayedBody } } }>;
  for (const status of statuses) {
    responses[status] = {
      description: `${ERROR_DESCRIPTIONS[status]}; or, relayed, Segmind's own answer with this status`,
      content: { 'application/json': { schema: z.union([errorSchema, relayedBody]) }, '*/*': { schema: relayedBody } },
    };
  }
  return responses;
}

/** Encoded image bytes: a Buffer to the handler, a binary string to the document. */
const imageBytes = z.instanceof(Buffer).meta({ type: 'string', format: 'binary' });
const imageContent = Object.fromEntries(OUTPUT_FORMATS.map((format) => [`image/${format}`, { schema: imageBytes }])) as Record<`image/${OutputFormat}`, { schema: typeof imageBytes }>;

export const imageResponse = (description: string) => ({ description, content: imageContent });

export const imageOrBase64Response = (description: string) => ({
  description,
  content: { ...imageContent, 'application/json': { schema: z.object({ image: z.string().meta({ description: 'The encoded image, base64' }) }) } },
});

/** Segmind's job statuses. */
export const SEGMIND_STATUSES = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type SegmindStatus = (typeof SEGMIND_STATUSES)[number];

const requestId = z.string().meta({ description: 'The job id' });
// The job answers are Segmind's shapes, which a forwarded job's relayed answers share;
// Segmind may add fields to them, so others are allowed.
const metrics = z.looseObject({ inference_time: z.number().optional().meta({ description: 'Render time in seconds, once finished' }) });

export const submissionSchema = z.looseObject({
  request_id: requestId,
  status: z.literal('QUEUED'),
  status_url: z.url().meta({ description: 'Absolute URL to poll' }),
  response_url: z.url().meta({ description: 'Absolute URL of the final answer' }),
});

export const statusSchema = z.looseObject({ request_id: requestId, status: z.enum(SEGMIND_STATUSES), metrics });

export const failedSchema = z.looseObject({ request_id: requestId, status: z.literal('FAILED'), error: z.string(), metrics });

export const resultSchema = z.looseObject({
  request_id: requestId,
  status: z.literal('COMPLETED'),
  output: z.string().meta({ description: 'Absolute URL of the image, or a data: URI when base64 was true' }),
  metrics,
  error: z.null(),
});

export const unfinishedSchema = z.looseObject({ request_id: requestId, status: z.enum(['QUEUED', 'PROCESSING']), output: z.null(), metrics, error: z.null() });

/** What a relayed answer is: Segmind's own, passed through. */
export const relayedResponse = {
  description: "Segmind's answer, passed through as it came: status, content-type, x-* headers (x-remaining-credits) and body",
  content: { '*/*': { schema: z.unknown() } },
};

/** Fastify's router refuses longer path parameters before any route sees them. */
export const MAX_ID_LENGTH = 100;

const idError = (issue: { input?: unknown }) =>
  `Expected a request id of 1 to ${MAX_ID_LENGTH} characters for id but received ${typeof issue.input === 'string' ? `${issue.input.length} characters` : typeof issue.input}`;

export const idParams = z.object({ id: z.string({ error: idError }).min(1, { error: idError }).max(MAX_ID_LENGTH, { error: idError }).meta({ description: 'The request_id a submit answered' }) });

const healthSchema = z.looseObject({
  status: z.enum(['ok', 'unavailable']),
  renders_active: z.number().int(),
  renders_queued: z.number().int(),
  renders_memory_bytes: z.number().int().meta({ description: 'Estimated peak memory of the renders running, held against SUPERIMPOSE_MEMORY_BUDGET_MB' }),
  fetches_active: z.number().int().meta({ description: 'URL inputs being fetched' }),
  fetches_queued: z.number().int().meta({ description: 'URL inputs waiting to be fetched' }),
  jobs_pending: z.number().int().meta({ description: 'v2 jobs accepted and not finished; -1 when the job store does not answer' }),
});

export const healthResponses = {
  200: json('Ready, with the load it is under', healthSchema),
  503: json('The job store (Redis) does not answer', healthSchema),
};
