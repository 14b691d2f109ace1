import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SuperimposeError } from '../../contract/errors.js';
import { GENERATIVE_SLUGS, generativeRequestSchemas } from '../../contract/generative.js';
import type { JobService } from '../../jobs/service.js';
import { callUpstream, passThroughHeaders, type UpstreamOptions } from '../../proxy/upstream.js';
import { settingName } from '../../runtime/settings.js';
import { clientGone } from '../client-gone.js';
import { acceptJsonBodies } from '../json-body.js';
import { publicBaseUrl, type PublicUrlPolicy } from '../public-url.js';
import { MAX_ID_LENGTH, relayableErrorResponses, relayedResponse } from '../schemas.js';

export interface ProxyOptions {
  readonly upstream: UpstreamOptions;
  readonly jobs: JobService;
  readonly publicUrl: PublicUrlPolicy;
  /** With local keys on, the client's x-api-key is ours and never goes upstream. */
  readonly localKeys: boolean;
}

/**
 * Relays one upstream call: its status, content-type and x-* headers, and its
 * body streamed; the client going away stops it. A fault before the first byte
 * is relayed answers with the catalogue's error; after it, Fastify logs the
 * error and destroys the response, so the client sees it cut, not complete.
 */
export type Relay = (request: FastifyRequest, reply: FastifyReply, call: { method: 'GET' | 'POST'; url: string; body?: string | undefined }) => Promise<FastifyReply>;

export function createRelay(options: ProxyOptions): Relay {
  return async (request, reply, call) => {
    const answer = await callUpstream(options.upstream, { ...call, apiKey: upstreamKey(request, options), signal: clientGone(reply) });
    reply.status(answer.status).headers(passThroughHeaders(answer.headers));
    return reply.send(answer.body);
  };
}

/** The key that goes upstream: the client's own (unless it is one of ours), else the server's; with neither, a 401 here and nothing sent. */
function upstreamKey(request: FastifyRequest, options: ProxyOptions): string | undefined {
  const key = request.headers['x-api-key'];
  const own = options.localKeys || typeof key !== 'string' || key === '' ? undefined : key;
  if (own === undefined && !options.upstream.apiKey) {
    throw new SuperimposeError('unauthorized', `No Segmind API key: send your key in x-api-key, or set ${settingName(options.upstream.names, 'upstreamApiKey')} on this server`);
  }
  return own;
}

/**
 * POST /v1/{slug} and /v2/{slug} for the generative models: validated here,
 * forwarded as sent. Registered in a context of their own, the only one that
 * keeps the raw body, which goes upstream byte for byte.
 */
export async function proxyRoutes(app: FastifyInstance, options: ProxyOptions & { readonly relay: Relay }): Promise<void> {
  acceptJsonBodies(app, { keepRaw: true });
  const routes = app.withTypeProvider<ZodTypeProvider>();
  for (const slug of GENERATIVE_SLUGS) {
    const body = generativeRequestSchemas[slug];
    routes.post(`/v1/${slug}`, {
      schema: { operationId: operationName(slug), summary: `${slug}, forwarded to Segmind`, body, response: { ...relayableErrorResponses(400, 401, 408, 413, 415, 502, 503, 504), default: relayedResponse } },
      handler: (request, reply) => options.relay(request, reply, { method: 'POST', url: `/v1/${slug}`, body: request.rawBody }),
    });

    routes.post(`/v2/${slug}`, {
      schema: { operationId: `submit${operationName(slug).replace(/^./, (c) => c.toUpperCase())}`, summary: `${slug} job, submitted to Segmind and polled through this server`, body, response: { ...relayableErrorResponses(400, 401, 408, 413, 415, 502, 503, 504), default: relayedResponse } },
      handler: async (request, reply) => {
        const answer = await callUpstream(options.upstream, { method: 'POST', url: `/v2/${slug}`, body: request.rawBody, apiKey: upstreamKey(request, options), signal: clientGone(reply) });
        const text = (await answer.bytes()).toString('utf8');
        reply.status(answer.status).headers(passThroughHeaders(answer.headers));
        const submitted = answer.ok ? parseSubmission(text) : undefined;
        if (!submitted) return reply.send(text);
        // Polls come back here, so the key stays server-side and clients poll local and remote jobs alike.
        const id = submitted.request_id;
        await options.jobs.track(id, {
          statusUrl: sameOrigin(submitted.status_url, options.upstream.baseUrl) ?? `/v2/requests/${id}/status`,
          responseUrl: sameOrigin(submitted.response_url, options.upstream.baseUrl) ?? `/v2/requests/${id}`,
        });
        const local = `${publicBaseUrl(request, options.publicUrl)}/v2/requests/${id}`;
        return reply.type('application/json').send(JSON.stringify({ ...submitted, status_url: `${local}/status`, response_url: local }));
      },
    });
  }
}

/** "sd1.5-img2img" -> "sd15Img2img": an operationId for each model. */
const operationName = (slug: string) => slug.replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase());

interface Submission {
  request_id: string;
  status_url?: unknown;
  response_url?: unknown;
  [key: string]: unknown;
}

/** An id this server can route a poll for. */
const SUBMITTED_ID = new RegExp(`^[\\w-]{1,${MAX_ID_LENGTH}}$`);

function parseSubmission(text: string): Submission | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && typeof (body as Submission).request_id === 'string' && SUBMITTED_ID.test((body as Submission).request_id)) {
      return body as Submission;
    }
  } catch {
    // Not JSON: relayed as it is.
  }
  return undefined;
}

/** Upstream poll URLs are followed only on upstream's own origin. */
function sameOrigin(url: unknown, baseUrl: string): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).origin === new URL(baseUrl).origin ? url : undefined;
  } catch {
    return undefined;
  }
}
