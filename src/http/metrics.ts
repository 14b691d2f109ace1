import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { SuperimposeError } from '../contract/errors.js';
import type { RenderCallOptions } from '../runtime/renderer.js';
import type { SuperimposeResult } from '../runtime/render.js';
import { errorResponses } from './schemas.js';

export interface Metrics {
  readonly registry: Registry;
  /** Times every render, of either kind, and counts the failed ones by error code. */
  instrument<P>(render: (params: P, options?: RenderCallOptions) => Promise<SuperimposeResult>): (params: P, options?: RenderCallOptions) => Promise<SuperimposeResult>;
}

/** Prometheus metrics of this process: requests, render time, queue depth, failures. */
export function createMetrics(load: { pending: () => Promise<number>; renders: () => { active: number; queued: number } }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'superimpose_' });
  const renderSeconds = new Histogram({
    name: 'superimpose_render_seconds',
    help: 'Time to render one superimpose or mockup request, decode to encode',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const failures = new Counter({ name: 'superimpose_render_failures_total', help: 'Renders that failed, by error code', labelNames: ['code'], registers: [registry] });
  new Gauge({
    name: 'superimpose_queue_depth',
    help: 'v2 jobs accepted and not finished; -1 when the job store does not answer',
    registers: [registry],
    async collect() {
      // A job store that does not answer must not cost the scrape its other metrics.
      this.set(await load.pending().catch(() => -1));
    },
  });
  new Gauge({
    name: 'superimpose_renders_active',
    help: 'Renders running in this process',
    registers: [registry],
    collect() {
      this.set(load.renders().active);
    },
  });
  new Gauge({
    name: 'superimpose_renders_queued',
    help: 'Renders waiting for a slot in this process',
    registers: [registry],
    collect() {
      this.set(load.renders().queued);
    },
  });
  return {
    registry,
    instrument: (render) => async (params, options) => {
      const stop = renderSeconds.startTimer();
      try {
        return await render(params, options);
      } catch (error) {
        failures.inc({ code: error instanceof SuperimposeError ? error.code : 'internal' });
        throw error;
      } finally {
        stop();
      }
    },
  };
}

/** Counts every request by route and status: installed on the root, so it sees every route. */
export function countRequests(app: FastifyInstance, metrics: Metrics): void {
  const requests = new Counter({
    name: 'superimpose_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
}

/** GET /metrics: Prometheus text. */
export function metricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.withTypeProvider<ZodTypeProvider>().get('/metrics', {
    schema: { operationId: 'metrics', summary: 'Prometheus metrics of this process', response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: z.string() } } }, ...errorResponses(401) } },
    handler: async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  });
}
