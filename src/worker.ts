/**
 * `superimpose worker`: renders v2 jobs from Redis without an HTTP server, so
 * compute scales apart from the front. SIGTERM finishes the jobs in hand, then exits 0;
 * a SIGKILLed worker's jobs are taken up again by another once its lock lapses.
 */
import { loadConfig, redisJobsOptionsOf } from './config.js';
import { serverRenderer } from './http/app.js';
import { configureSharpForServing, jobRunner } from './http/render.js';
import { RenderLimiter } from './jobs/limiter.js';
import { redisWorker } from './jobs/redis.js';

const config = loadConfig();
if (!config.REDIS_URL) {
  process.stderr.write('superimpose worker: REDIS_URL is not set: a worker takes its jobs from Redis\n');
  process.exit(2);
}
configureSharpForServing();
const concurrency = Math.max(config.SUPERIMPOSE_JOB_CONCURRENCY, 1);
const render = serverRenderer(config, new RenderLimiter({ concurrency, queueLimit: 0 }));
const logBug = (error: unknown) => process.stderr.write(`superimpose worker: render failed: ${(error as Error).stack ?? String(error)}\n`);
const { close } = redisWorker({ ...redisJobsOptionsOf(config, config.REDIS_URL), concurrency }, jobRunner(render, logBug));
process.stdout.write(`superimpose worker: ${concurrency} at once from ${new URL(config.REDIS_URL).host}, prefix ${config.SUPERIMPOSE_REDIS_PREFIX}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(1), config.SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS);
  force.unref();
  close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
