import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { ServerConfig } from '../config/server.js';
import { createJobService } from '../jobs/service.js';
import { createRenderer, type MockupRenderer, type Renderer, type ServiceRenderer } from '../runtime/renderer.js';
import { installApiKeyCheck } from './auth.js';
import { guardBodies } from './body-guard.js';
import { frameworkErrors, installErrorHandling } from './errors.js';
import { acceptJsonBodies } from './json-body.js';
import { countRequests, createMetrics, metricsRoute } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { healthRoute } from './routes/health.js';
import { playgroundRoutes, type PlaygroundOptions } from './routes/playground.js';
import { jobRoutes } from './routes/jobs.js';
import { createRelay, proxyRoutes } from './routes/proxy.js';
import { mockupRoute } from './routes/mockup.js';
import { superimposeRoute } from './routes/superimpose.js';
import { validatorCompiler } from './validation.js';

export interface AppParts {
  /** The service's renderer, started or not; the app closes it as it closes. Defaults to the runtime's with this configuration. */
  readonly renderer?: ServiceRenderer;
  /** Render in their places, for tests; their limits still count in /health. */
  readonly render?: Renderer;
  readonly renderMockup?: MockupRenderer;
  /** Told, as the app closes, how many accepted jobs it gave up: waiting ones recorded cancelled, running ones aborted. */
  readonly onJobsGivenUp?: (given: { abandoned: number; aborted: number }) => void;
  /** Where the playground's built page and examples are, for tests; defaults to dist/playground and examples/. */
  readonly playground?: Omit<PlaygroundOptions, 'keyRequired'>;
}

/** The Fastify app, not listening: tests use inject(), server.ts calls listen(). */
export function buildApp(config: ServerConfig, parts: AppParts = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers["x-api-key"]'] },
    bodyLimit: config.bodyLimit,
    // A slow upload gets a 408 and its connection closed; Node checks the deadline every
    // connectionsCheckingInterval (30 s by default, far too coarse for a short timeout).
    requestTimeout: config.requestTimeoutMs,
    frameworkErrors,
    serverFactory: (handler) => createServer({ requestTimeout: config.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs / 2) }, handler),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const renderer = parts.renderer ?? createRenderer(config.render);
  const { limiter, fetches } = renderer;
  let pending = async () => 0;
  const metrics = createMetrics({ pending: () => pending(), renders: () => ({ active: limiter.active, queued: limiter.queued }) });
  const render = metrics.instrument(parts.render ?? renderer.render);
  const renderMockup = metrics.instrument(parts.renderMockup ?? renderer.renderMockup);
  const jobs = createJobService({ ...config.jobs, onBug: (error) => app.log.error({ err: error }, 'v2 render failed') }, { render, renderMockup });
  pending = () => jobs.pending();
  const proxy = { upstream: config.upstream, jobs, publicUrl: config.publicUrl, localKeys: config.apiKeys.length > 0 };
  const relay = createRelay(proxy);

  // Root-level first, so every route below inherits them.
  installErrorHandling(app, config.names);
  acceptJsonBodies(app, { keepRaw: false });
  installApiKeyCheck(app, config.apiKeys);
  guardBodies(app, config);
  countRequests(app, metrics);
  registerOpenApi(app, { keyed: config.apiKeys.length > 0 });

  void app.register(async (scope) => {
    superimposeRoute(scope, render);
    mockupRoute(scope, renderMockup);
    jobRoutes(scope, { jobs, publicUrl: config.publicUrl, relay });
    metricsRoute(scope, metrics);
    healthRoute(scope, async () => {
      const { ok, details } = await jobs.health();
      const jobsPending = await jobs.pending().catch(() => -1);
      const load = { renders_active: limiter.active, renders_queued: limiter.queued, renders_memory_bytes: limiter.held, fetches_active: fetches.active, fetches_queued: fetches.queued };
      return { ok, details: { ...load, jobs_pending: jobsPending, ...details } };
    });
  });
  void app.register(async (scope) => proxyRoutes(scope, { ...proxy, relay }));
  if (config.playground) void app.register(async (scope) => playgroundRoutes(scope, { ...parts.playground, keyRequired: config.apiKeys.length > 0 }));

  // Accepted v2 jobs finish (within the shutdown bound) before the process lets go of them.
  app.addHook('onClose', async () => {
    const given = await jobs.close(config.shutdownTimeoutMs);
    if (given.abandoned + given.aborted > 0) app.log.warn(given, 'shutdown bound reached: v2 jobs not started are recorded cancelled, running ones aborted');
    parts.onJobsGivenUp?.(given);
    await renderer.close();
  });
  return app;
}
