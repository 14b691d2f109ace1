import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/http.js';
import { freePort } from '../helpers/net.js';
import { startTestRedis } from '../helpers/redis.js';
import { seedBody } from '../helpers/seed-job.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const redis = await startTestRedis();
afterAll(() => redis?.stop());

const body = seedBody();
type Submitted = { request_id: string; status_url: string; response_url: string };
const path = (url: string) => new URL(url).pathname;

/** The environment of apps sharing one Redis and one prefix: one deployment of several instances. */
const deploymentEnv = (env: Record<string, string> = {}) => ({ REDIS_URL: redis!.url, SUPERIMPOSE_REDIS_PREFIX: `test-${randomUUID()}`, ...env });
const deployment = (env: Record<string, string> = {}) => {
  const shared = deploymentEnv(env);
  return (more: Record<string, string> = {}) => testConfig({ ...shared, ...more });
};

async function waitForEnd(app: ReturnType<typeof buildApp>, statusUrl: string, timeoutMs = 20_000) {
  const started = Date.now();
  for (;;) {
    const res = await app.inject({ url: path(statusUrl) });
    const status = res.json<{ status?: string }>().status;
    if (status === 'COMPLETED' || status === 'FAILED' || res.statusCode === 404) return res;
    if (Date.now() - started > timeoutMs) throw new Error(`job still ${status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe.runIf(redis)('v2 jobs on Redis', () => {
  it('are submitted on instance A and polled and fetched on instance B', async () => {
    const config = deployment();
    const front = buildApp(config({ SUPERIMPOSE_JOB_CONCURRENCY: '0' })); // A: accepts, renders nothing
    const other = buildApp(config()); // B: has the worker
    try {
      const submit = await front.inject({ method: 'POST', url: '/v2/superimpose', payload: body });
      expect(submit.statusCode).toBe(200);
      const job = submit.json<Submitted>();
      const status = await waitForEnd(other, job.status_url);
      expect(status.json()).toMatchObject({ request_id: job.request_id, status: 'COMPLETED', metrics: { inference_time: expect.any(Number) } });
      const result = (await other.inject({ url: path(job.response_url) })).json<{ output: string }>();
      const image = await other.inject({ url: path(result.output) });
      expect(image.headers['content-type']).toBe('image/jpeg');
      expect((await sharp(image.rawPayload).metadata()).width).toBe(1024);
      // A answers for it too.
      expect((await front.inject({ url: path(job.status_url) })).json()).toMatchObject({ status: 'COMPLETED' });
    } finally {
      await front.close();
      await other.close();
    }
  });

  it('retry a crashing render a bounded number of times, then answer FAILED with 422', async () => {
    let calls = 0;
    const app = buildApp(deployment({ SUPERIMPOSE_JOB_ATTEMPTS: '3' })(), {
      render: async () => {
        calls++;
        throw new TypeError('renderer bug');
      },
    });
    try {
      const job = (await app.inject({ method: 'POST', url: '/v2/superimpose', payload: body })).json<Submitted>();
      const status = await waitForEnd(app, job.status_url);
      expect(status.statusCode).toBe(422);
      expect(status.json()).toMatchObject({ status: 'FAILED', error: 'Internal error while rendering, after 3 attempts' });
      expect(calls).toBe(3);
    } finally {
      await app.close();
    }
  });

  it('fail a bad request at once, without retrying it', async () => {
    const app = buildApp(deployment()());
    try {
      const job = (await app.inject({ method: 'POST', url: '/v2/superimpose', payload: { ...body, overlay_image: 'bm90IGFuIGltYWdl' } })).json<Submitted>();
      const status = await waitForEnd(app, job.status_url);
      expect(status.statusCode).toBe(422);
      expect(status.json()).toMatchObject({ status: 'FAILED', error: expect.stringContaining('overlay_image') });
    } finally {
      await app.close();
    }
  });

  it('expire with the result TTL, then answer 404', async () => {
    const app = buildApp(deployment({ SUPERIMPOSE_RESULT_TTL_SECONDS: '1' })());
    try {
      const job = (await app.inject({ method: 'POST', url: '/v2/superimpose', payload: body })).json<Submitted>();
      expect((await waitForEnd(app, job.status_url)).json()).toMatchObject({ status: 'COMPLETED' });
      await sleep(1200);
      expect((await app.inject({ url: path(job.status_url) })).statusCode).toBe(404);
      expect((await app.inject({ url: path(job.response_url) })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('answer 429 at the queue depth limit', async () => {
    const app = buildApp(deployment({ SUPERIMPOSE_JOB_CONCURRENCY: '0', SUPERIMPOSE_QUEUE_LIMIT: '2' })());
    try {
      const send = () => app.inject({ method: 'POST', url: '/v2/superimpose', payload: body });
      expect([(await send()).statusCode, (await send()).statusCode]).toEqual([200, 200]);
      const refused = await send();
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toEqual({ error: expect.stringContaining('SUPERIMPOSE_QUEUE_LIMIT') });
      expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok', redis: 'up', jobs_pending: 2 });
    } finally {
      await app.close();
    }
  });

  it('report Redis in /health, answer 503 rather than hang when it is unreachable, and count in /metrics', async () => {
    const app = buildApp(deployment()());
    await app.inject({ method: 'POST', url: '/v1/superimpose', payload: body });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/superimpose_http_requests_total\{method="POST",route="\/v1\/superimpose",status="200"\} 1/);
    expect(metrics.body).toMatch(/superimpose_render_seconds_count 1/);
    expect(metrics.body).toMatch(/superimpose_queue_depth 0/);
    await app.close();

    const port = await freePort();
    const cut = buildApp(testConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, SUPERIMPOSE_JOB_CONCURRENCY: '0', SUPERIMPOSE_REDIS_WAIT_MS: '300' }));
    const health = await cut.inject({ url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ status: 'unavailable', redis: 'down' });
    // A submit or a poll is answered 503, not left hanging.
    const submit = await cut.inject({ method: 'POST', url: '/v2/superimpose', payload: body });
    expect(submit.statusCode).toBe(503);
    expect(submit.json()).toEqual({ error: 'The job store (Redis) gave no answer within 300 ms (SUPERIMPOSE_REDIS_WAIT_MS): retry later' });
    expect((await cut.inject({ url: '/v2/requests/abc/status' })).statusCode).toBe(503);
    await cut.close();
  });

  it('finish a job whose instance was SIGKILLed mid-render, on another worker', async () => {
    const shared = deploymentEnv({ SUPERIMPOSE_JOB_LOCK_MS: '1000' });
    const env = (extra: Record<string, string>) => ({ ...process.env, ...shared, ...extra, LOG_LEVEL: 'silent' });
    const poller = buildApp(testConfig({ ...shared, SUPERIMPOSE_JOB_CONCURRENCY: '0' }));
    // Instance A: `npm start` (server and worker) on a free port, as a real process.
    const port = await freePort();
    const a = spawn(process.execPath, ['dist/server.js'], { cwd: ROOT, env: { ...env({}), PORT: String(port) }, stdio: 'ignore' });
    let worker: ReturnType<typeof spawn> | undefined;
    try {
      for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)); i++) await sleep(100);
      // Heavy enough to be caught mid-render: a 4096² base and a rotated overlay.
      const heavy = { ...body, base_image: (await sharp({ create: { width: 4096, height: 4096, channels: 3, background: 'teal' } }).jpeg().toBuffer()).toString('base64'), rescale_factor: 3, rotation: 17 };
      const submitted = await fetch(`http://127.0.0.1:${port}/v2/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(heavy) });
      const job = (await submitted.json()) as Submitted;
      for (let i = 0; i < 200; i++) {
        const state = (await poller.inject({ url: path(job.status_url) })).json<{ status: string }>().status;
        if (state !== 'QUEUED') break;
        await sleep(10);
      }
      a.kill('SIGKILL');
      await new Promise((resolve) => a.once('exit', resolve));
      // Another worker process takes the job once A's lock lapses.
      worker = spawn(process.execPath, ['dist/cli/main.js', 'worker'], { cwd: ROOT, env: env({}), stdio: 'ignore' });
      const status = await waitForEnd(poller, job.status_url, 30_000);
      expect(status.json()).toMatchObject({ status: 'COMPLETED' });
    } finally {
      a.kill('SIGKILL');
      worker?.kill('SIGTERM');
      await poller.close();
    }
  });
});
