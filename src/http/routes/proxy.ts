import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GENERATIVE_SLUGS, validateGenerativeRequest } from '../../contract/generative.js';
import type { JobStore } from '../../jobs/store.js';
import { callUpstream, passThroughHeaders, type UpstreamOptions } from '../../proxy/upstream.js';
import { clientGone } from '../client-gone.js';
import { publicBaseUrl } from '../public-url.js';

export interface ProxyOptions {
  readonly upstream: UpstreamOptions;
  readonly store: JobStore;
  readonly publicUrl: string | undefined;
  /** With local keys on, the client's x-api-key is ours and never goes upstream. */
  readonly localKeys: boolean;
}

/** Relays one upstream call: its status, content-type and x-* headers, and its body streamed. */
export type Relay = (request: FastifyRequest, reply: FastifyReply, call: { method: 'GET' | 'POST'; url: string; body?: string }) => Promise<FastifyReply>;

export function createRelay(options: ProxyOptions): Relay {
  return async (request, reply, call) => {
    const response = await callUpstream(options.upstream, { ...call, apiKey: clientKey(request, options), signal: clientGone(reply) });
    reply.status(response.status).headers(passThroughHeaders(response));
    return reply.send(response.body ? Readable.fromWeb(response.body as NodeReadableStream) : '');
  };
}

const clientKey = (request: FastifyRequest, options: ProxyOptions): string | undefined => {
  const key = request.headers['x-api-key'];
  return options.localKeys || typeof key !== 'string' ? undefined : key;
};


/** POST /v1/{slug} and /v2/{slug} for the generative models: validated here, forwarded as sent. */
export function proxyRoutes(app: FastifyInstance, options: ProxyOptions, relay: Relay): void {
  for (const slug of GENERATIVE_SLUGS) {
    app.post(`/v1/${slug}`, async (request, reply) => {
      validateGenerativeRequest(slug, request.body);
      return relay(request, reply, { method: 'POST', url: `/v1/${slug}`, body: request.rawBody });
    });

    app.post(`/v2/${slug}`, async (request, reply) => {
      validateGenerativeRequest(slug, request.body);
      const response = await callUpstream(options.upstream, {
        method: 'POST',
        url: `/v2/${slug}`,
        body: request.rawBody,
        apiKey: clientKey(request, options),
      });
      const text = await response.text();
      reply.status(response.status).headers(passThroughHeaders(response));
      const submitted = response.ok ? parseSubmission(text) : undefined;
      if (!submitted) return reply.send(text);
      // Polls come back here, so the key stays server-side and clients poll local and remote jobs alike.
      await options.store.put({
        id: submitted.request_id,
        status: 'QUEUED',
        createdAt: Date.now(),
        upstream: {
          statusUrl: sameOrigin(submitted.status_url, options.upstream.baseUrl) ?? `/v2/requests/${submitted.request_id}/status`,
          responseUrl: sameOrigin(submitted.response_url, options.upstream.baseUrl) ?? `/v2/requests/${submitted.request_id}`,
        },
      });
      const local = `${publicBaseUrl(request, options.publicUrl)}/v2/requests/${submitted.request_id}`;
      return reply.type('application/json').send({ ...submitted, status_url: `${local}/status`, response_url: local });
    });
  }
}

interface Submission {
  request_id: string;
  status_url?: unknown;
  response_url?: unknown;
  [key: string]: unknown;
}

function parseSubmission(text: string): Submission | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && typeof (body as Submission).request_id === 'string' && /^[\w-]{1,128}$/.test((body as Submission).request_id)) {
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
