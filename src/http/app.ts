import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { pixelLimitsOf, type Config } from '../config.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { RenderLimiter } from '../jobs/limiter.js';
import { JobQueue } from '../jobs/queue.js';
import { MemoryJobStore, type JobStore } from '../jobs/store.js';
import { installApiKeyCheck } from './auth.js';
import { installErrorHandling, RouteTable } from './errors.js';
import { acceptJsonBodies } from './raw-body.js';
import { createRenderer, type Renderer } from './render.js';
import { docsRoutes, healthRoute } from './routes/docs.js';
import { jobRoutes } from './routes/jobs.js';
import { createRelay, proxyRoutes } from './routes/proxy.js';
import { superimposeRoute } from './routes/superimpose.js';
import { createUrlLoader } from './url-fetch.js';

export interface AppParts {
  /** Defaults to the in-process store with SUPERIMPOSE_RESULT_TTL_SECONDS. */
  readonly store?: JobStore;
  /** Defaults to superimpose() with the guarded URL fetcher. */
  readonly render?: Renderer;
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
  const store = parts.store ?? new MemoryJobStore(config.SUPERIMPOSE_RESULT_TTL_SECONDS * 1000);
  const limiter = new RenderLimiter({ concurrency: config.SUPERIMPOSE_RENDER_CONCURRENCY, queueLimit: config.SUPERIMPOSE_RENDER_QUEUE_LIMIT });
  const render =
    parts.render ??
    createRenderer(
      createUrlLoader({
        timeoutMs: config.SUPERIMPOSE_FETCH_TIMEOUT_MS,
        maxBytes: config.SUPERIMPOSE_FETCH_MAX_BYTES,
        allowHosts: config.SUPERIMPOSE_ALLOW_HOSTS,
      }),
      pixelLimitsOf(config),
      limiter,
    );
  // Accepted jobs wait for a render slot however busy the server is: their 429 came at submit.
  const queue = new JobQueue<SuperimposeParams>(store, (params) => render(params, { queued: 'always' }), {
    concurrency: config.SUPERIMPOSE_JOB_CONCURRENCY,
    limit: config.SUPERIMPOSE_QUEUE_LIMIT,
  });

  const proxy = {
    upstream: { baseUrl: config.SEGMIND_BASE_URL, apiKey: config.SEGMIND_API_KEY, timeoutMs: config.SEGMIND_TIMEOUT_MS },
    store,
    publicUrl: config.SUPERIMPOSE_PUBLIC_URL,
    localKeys: config.SUPERIMPOSE_API_KEYS.length > 0,
  };
  const relay = createRelay(proxy);

  installErrorHandling(app, new RouteTable());
  acceptJsonBodies(app);
  installApiKeyCheck(app, config.SUPERIMPOSE_API_KEYS);
  superimposeRoute(app, render);
  jobRoutes(app, { queue, store, publicUrl: config.SUPERIMPOSE_PUBLIC_URL, relay });
  proxyRoutes(app, proxy, relay);
  docsRoutes(app);
  healthRoute(app, () => ({ renders_active: limiter.active, renders_queued: limiter.queued, jobs_pending: queue.depth }));

  // Accepted v2 jobs finish (within the shutdown bound) before the store goes away.
  app.addHook('onClose', async () => {
    await queue.drain(config.SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS);
    await store.close();
  });
  return app;
}
