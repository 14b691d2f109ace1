/**
 * `superimpose worker`: renders v2 jobs from Redis without an HTTP server, so
 * compute scales apart from the front. SIGTERM finishes the jobs in hand, then exits 0;
 * a SIGKILLed worker's jobs are taken up again by another once its lock lapses.
 */
import { loadWorkerConfig } from './config/server.js';
import { startJobWorker } from './jobs/service.js';
import { configureSharpForServing, createRenderer } from './runtime/renderer.js';

let config: ReturnType<typeof loadWorkerConfig>;
try {
  config = loadWorkerConfig();
} catch (error) {
  process.stderr.write(`superimpose worker: ${(error as Error).message}\n`);
  process.exit(2);
}
configureSharpForServing();
const concurrency = Math.max(config.jobs.concurrency, 1);
const renderer = createRenderer({ ...config.render, concurrency, queueLimit: 0 });
await renderer.start();
const onBug = (error: unknown) => process.stderr.write(`superimpose worker: render failed: ${(error as Error).stack ?? String(error)}\n`);
const { close } = startJobWorker({ ...config.jobs, concurrency, onBug }, renderer);
process.stdout.write(`superimpose worker: ${concurrency} at once from ${new URL(config.jobs.redis.url).host}, prefix ${config.jobs.redis.prefix}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
  force.unref();
  close()
    .then(() => renderer.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
