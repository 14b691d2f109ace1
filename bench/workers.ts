/**
 * v2 throughput on Redis with one worker process against two: a redis-server on
 * loopback, one front (`npm start` with SUPERIMPOSE_JOB_CONCURRENCY=0, so it
 * renders nothing), W `superimpose worker` processes each rendering one job at a
 * time, and N seed jobs submitted at once; prints jobs/s for each W.
 * Usage: npm run build && npx tsx bench/workers.ts [jobs=60]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTestRedis } from '../test/helpers/redis.js';
import { seedBody } from '../test/helpers/seed-job.js';
import { startServer } from './server-process.js';

const jobs = Number(process.argv[2] ?? 60);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const body = JSON.stringify(seedBody());

const redis = await startTestRedis();
if (!redis) throw new Error('bench/workers.ts needs redis-server (apt-get install -y redis-server)');
try {
  for (const workers of [1, 2]) {
    const env = { REDIS_URL: redis.url, SUPERIMPOSE_REDIS_PREFIX: `bench-${randomUUID()}`, SUPERIMPOSE_QUEUE_LIMIT: String(jobs * 2) };
    const front = await startServer({ ...env, SUPERIMPOSE_JOB_CONCURRENCY: '0' });
    const children = Array.from({ length: workers }, () =>
      spawn(process.execPath, ['dist/cli/main.js', 'worker'], { cwd: ROOT, env: { ...process.env, ...env, SUPERIMPOSE_JOB_CONCURRENCY: '1', LOG_LEVEL: 'warn' }, stdio: 'ignore' }),
    );
    try {
      await sleep(1000); // workers connect
      const started = performance.now();
      const submitted = await Promise.all(
        Array.from({ length: jobs }, async () => {
          const res = await fetch(`${front.url}/v2/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          return ((await res.json()) as { status_url: string }).status_url;
        }),
      );
      // One light poll for the whole batch: the queue's depth, from the front's /health.
      while (((await (await fetch(`${front.url}/health`)).json()) as { jobs_pending: number }).jobs_pending > 0) await sleep(50);
      const seconds = (performance.now() - started) / 1000;
      const statuses = await Promise.all(submitted.map(async (url) => ((await (await fetch(url)).json()) as { status: string }).status));
      const completed = statuses.filter((s) => s === 'COMPLETED').length;
      console.log(`${workers} worker process(es): ${jobs} jobs (${completed} COMPLETED) in ${seconds.toFixed(2)} s = ${(jobs / seconds).toFixed(1)} jobs/s`);
    } finally {
      for (const child of children) child.kill('SIGTERM');
      await front.stop();
    }
  }
} finally {
  await redis.stop();
}
