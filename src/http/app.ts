import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { pixelLimitsOf, redisJobsOptionsOf, type Config } from '../config.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { RenderLimiter } from '../jobs/limiter.js';
import type { JobRunner } from '../jobs/queue.js';
import { redisJobs, redisWorker } from '../jobs/redis.js';
import { inProcessJobs, type JobService } from '../jobs/service.js';
import { installApiKeyCheck } from './auth.js';
import { installErrorHandling, RouteTable } from './errors.js';
import { createMetrics, metricsRoutes } from './metrics.js';
import { acceptJsonBodies } from './raw-body.js';
import { createRenderer, jobRunner, type Renderer } from './render.js';
import { docsRoutes, healthRoute } from './routes/docs.js';
import { jobRoutes } from './routes/jobs.js';
import { createRelay, proxyRoutes } from './routes/proxy.js';
import { superimposeRoute } from './routes/superimpose.js';
import { createUrlLoader } from './url-fetch.js';

export interface AppParts {
  /** Defaults to superimpose() with the guarded URL fetcher. */
  readonly render?: Renderer;
}

/** The renderer every server process uses: guarded URLs, no local files, a bounded number at once. */
export function serverRenderer(config: Config, limiter: RenderLimiter): Renderer {
  const loadUrl = createUrlLoader({
    timeoutMs: config.SUPERIMPOSE_FETCH_TIMEOUT_MS,
    maxBytes: config.SUPERIMPOSE_FETCH_MAX_BYTES,
    allowHosts: config.SUPERIMPOSE_ALLOW_HOSTS,
  });
  return createRenderer(loadUrl, pixelLimitsOf(config), limiter);
}

/**
 * v2 jobs: in-process by default; with REDIS_URL in BullMQ, rendered by this
 * process's worker (unless SUPERIMPOSE_JOB_CONCURRENCY is 0) and by any other.
 */
function jobService(config: Config, runJob: JobRunner<SuperimposeParams>): { jobs: JobService; stopWorker: () => Promise<void> } {
  const ttlMs = config.SUPERIMPOSE_RESULT_TTL_SECONDS * 1000;
  if (!config.REDIS_URL) {
    const jobs = inProcessJobs(runJob, { ttlMs, concurrency: config.SUPERIMPOSE_JOB_CONCURRENCY, limit: config.SUPERIMPOSE_QUEUE_LIMIT });
    return { jobs, stopWorker: async () => {} };
  }
  const options = redisJobsOptionsOf(config, config.REDIS_URL);
  const jobs = redisJobs(options);
  if (config.SUPERIMPOSE_JOB_CONCURRENCY === 0) return { jobs, stopWorker: async () => {} };
  const worker = redisWorker({ ...options, concurrency: config.SUPERIMPOSE_JOB_CONCURRENCY }, runJob);
  return { jobs, stopWorker: worker.close };
}

/** The Fastify app, not listening: tests use inject(), main.ts calls listen(). */
export function buildApp(config: Config, parts: AppParts = {}): FastifyInstance {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers["x-api-key"]'] },
    bodyLimit: config.SUPERIMPOSE_MAX_BODY_BYTES,
    // A slow upload gets a 408 and its connection closed; Node checks the deadline every
    // connectionsCheckingInterval (30 s by default, far too coarse for a short timeout).
    requestTimeout: config.SUPERIMPOSE_REQUEST_TIMEOUT_MS,
    serverFactory: (handler) =>
      createServer({ requestTimeout: config.SUPERIMPOSE_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: Math.min(1000, config.SUPERIMPOSE_REQUEST_TIMEOUT_MS / 2) }, handler),
  });
  const limiter = new RenderLimiter({ concurrency: config.SUPERIMPOSE_RENDER_CONCURRENCY, queueLimit: config.SUPERIMPOSE_RENDER_QUEUE_LIMIT });
  let pending = async () => 0;
  const metrics = createMetrics({ pending: () => pending(), renders: () => ({ active: limiter.active, queued: limiter.queued }) });
  const render = metrics.instrument(parts.render ?? serverRenderer(config, limiter));
  const { jobs, stopWorker } = jobService(config, jobRunner(render, (error) => app.log.error({ err: error }, 'v2 render failed')));
  pending = () => jobs.pending();

  const proxy = {
    upstream: { baseUrl: config.SEGMIND_BASE_URL, apiKey: config.SEGMIND_API_KEY, timeoutMs: config.SEGMIND_TIMEOUT_MS },
    store: jobs.store,
    publicUrl: config.SUPERIMPOSE_PUBLIC_URL,
    localKeys: config.SUPERIMPOSE_API_KEYS.length > 0,
  };
  const relay = createRelay(proxy);

  installErrorHandling(app, new RouteTable());
  acceptJsonBodies(app);
  installApiKeyCheck(app, config.SUPERIMPOSE_API_KEYS);
  metricsRoutes(app, metrics);
  superimposeRoute(app, render);
  jobRoutes(app, { jobs, publicUrl: config.SUPERIMPOSE_PUBLIC_URL, relay });
  proxyRoutes(app, proxy, relay);
  docsRoutes(app);
  healthRoute(app, async () => {
    const { ok, details } = await jobs.health();
    return { ok, details: { renders_active: limiter.active, renders_queued: limiter.queued, jobs_pending: await jobs.pending().catch(() => -1), ...details } };
  });

  // Accepted v2 jobs finish (within the shutdown bound) before the process lets go of them.
  app.addHook('onClose', async () => {
    await stopWorker();
    await jobs.close(config.SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS);
  });
  return app;
}
