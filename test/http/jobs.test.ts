import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/http.js';
import { seedBody } from '../helpers/seed-job.js';

const body = seedBody();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Submitted {
  request_id: string;
  status: string;
  status_url: string;
  response_url: string;
}

describe('v2 through app.inject()', () => {
  const app = buildApp(testConfig({ SUPERIMPOSE_RESULT_TTL_SECONDS: '0.5' }));
  afterAll(() => app.close());

  const submit = async (payload: object, headers: Record<string, string> = {}, authority?: string) => {
    const res = await app.inject({ method: 'POST', url: '/v2/superimpose', payload, headers, ...(authority ? { authority } : {}) });
    return { res, job: res.json<Submitted>() };
  };
  const path = (url: string) => new URL(url).pathname;
  const waitFor = async (statusUrl: string) => {
    for (let i = 0; i < 100; i++) {
      const res = await app.inject({ url: path(statusUrl) });
      const status = res.json<{ status: string }>().status;
      if (status === 'COMPLETED' || status === 'FAILED') return res;
      await sleep(20);
    }
    throw new Error('job did not finish');
  };

  it('queues, completes, serves the result and expires it', async () => {
    const { res, job } = await submit(body, {}, 'render.example:9000');
    expect(res.statusCode).toBe(200);
    expect(job.status).toBe('QUEUED');
    expect(job.status_url).toBe(`http://render.example:9000/v2/requests/${job.request_id}/status`);
    expect(job.response_url).toBe(`http://render.example:9000/v2/requests/${job.request_id}`);

    const status = await waitFor(job.status_url);
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ request_id: job.request_id, status: 'COMPLETED', metrics: { inference_time: expect.any(Number) } });

    // The output URL is built from the Host of the request that reads it.
    const result = await app.inject({ url: path(job.response_url), authority: 'render.example:9000' });
    expect(result.statusCode).toBe(200);
    const final = result.json<{ output: string; error: null; metrics: { inference_time: number } }>();
    expect(final).toMatchObject({ request_id: job.request_id, status: 'COMPLETED', error: null });
    expect(final.output).toBe(`http://render.example:9000/v2/requests/${job.request_id}/output`);
    const image = await app.inject({ url: path(final.output) });
    expect(image.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(image.rawPayload).metadata()).width).toBe(1024);

    await sleep(600); // past SUPERIMPOSE_RESULT_TTL_SECONDS
    for (const url of [job.status_url, job.response_url, final.output]) {
      const gone = await app.inject({ url: path(url) });
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toEqual({ error: expect.stringContaining('expired') });
    }
  });

  it('gives a data: URI as output when base64 is true', async () => {
    const { job } = await submit({ ...body, base64: true, image_format: 'png' });
    await waitFor(job.status_url);
    const final = (await app.inject({ url: path(job.response_url) })).json<{ output: string }>();
    expect(final.output).toMatch(/^data:image\/png;base64,/);
    const bytes = Buffer.from(final.output.split(',')[1]!, 'base64');
    expect((await sharp(bytes).metadata()).format).toBe('png');
  });

  it('answers 422 FAILED with the reason on both endpoints for a job that failed', async () => {
    const { res, job } = await submit({ ...body, overlay_image: 'bm90IGFuIGltYWdl' });
    expect(res.statusCode).toBe(200);
    const status = await waitFor(job.status_url);
    expect(status.statusCode).toBe(422);
    expect(status.json()).toMatchObject({ status: 'FAILED', error: expect.stringContaining('overlay_image') });
    const result = await app.inject({ url: path(job.response_url) });
    expect(result.statusCode).toBe(422);
    expect(result.json()).toMatchObject({ status: 'FAILED', error: expect.stringContaining('could not be decoded') });
  });

  it('rejects invalid parameters at submit with 400', async () => {
    const { res } = await submit({ ...body, resize_method: 'lanczos' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: expect.stringContaining('resize_method') });
  });

  it('answers 404 for an unknown id', async () => {
    const res = await app.inject({ url: '/v2/requests/00000000-0000-0000-0000-000000000000/status' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: expect.stringContaining('No request') });
  });

  it.each([['a:99999'], ['example.com:70000'], ['bad host']])('answers with localhost URLs for an unusable Host %j, not a 500', async (host) => {
    const { res, job } = await submit(body, { host });
    expect(res.statusCode).toBe(200);
    expect(job.status_url).toMatch(/^http:\/\/localhost\/v2\/requests\//);
  });

  it('ignores X-Forwarded-Proto/-Host unless SUPERIMPOSE_TRUST_PROXY says so', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com' };
    const { job } = await submit(body, forwarded, 'render.example:9000');
    expect(job.status_url).toMatch(/^http:\/\/render\.example:9000\/v2\/requests\//);
    const trusting = buildApp(testConfig({ SUPERIMPOSE_TRUST_PROXY: 'true' }));
    const res = await trusting.inject({ method: 'POST', url: '/v2/superimpose', payload: body, headers: forwarded });
    expect(res.json<Submitted>().status_url).toMatch(/^https:\/\/api\.example\.com\/v2\/requests\//);
    await trusting.close();
  });

  it('puts SUPERIMPOSE_PUBLIC_URL over every header', async () => {
    const pinned = buildApp(testConfig({ SUPERIMPOSE_PUBLIC_URL: 'https://img.example.org/base/' }));
    const res = await pinned.inject({ method: 'POST', url: '/v2/superimpose', payload: body, headers: { 'x-forwarded-host': 'evil.example' } });
    expect(res.json<Submitted>().response_url).toMatch(/^https:\/\/img\.example\.org\/base\/v2\/requests\/[0-9a-f-]+$/);
    await pinned.close();
  });
});

describe('v2 results held in the process', () => {
  it('drop the oldest past SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES, and its polls say so', async () => {
    const app = buildApp(testConfig({ SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES: '1500', SUPERIMPOSE_JOB_CONCURRENCY: '1' }), {
      render: async () => ({ data: Buffer.alloc(1000), info: { width: 1, height: 1, format: 'png' as const } }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = (await app.inject({ method: 'POST', url: '/v2/superimpose', payload: body })).json<Submitted>().request_id;
      await expect.poll(async () => (await app.inject({ url: `/v2/requests/${id}/status` })).json<{ status: string }>().status).toBe('COMPLETED');
      ids.push(id);
    }
    const dropped = await app.inject({ url: `/v2/requests/${ids[0]}` });
    expect(dropped.statusCode).toBe(404);
    expect(dropped.json()).toEqual({ error: `No result for request ${ids[0]}: its output was dropped to keep the stored outputs within 1500 bytes (SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES); submit it again` });
    expect((await app.inject({ url: `/v2/requests/${ids[1]}/output` })).statusCode).toBe(200);
    await app.close();
  });
});

describe('v2 queue bounds', () => {
  it('answers 429 with Retry-After when the queue is full, and still finishes what it accepted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = buildApp(testConfig({ SUPERIMPOSE_JOB_CONCURRENCY: '1', SUPERIMPOSE_QUEUE_LIMIT: '1' }), {
      render: async () => {
        await gate;
        return { data: Buffer.from('x'), info: { width: 1, height: 1, format: 'png' as const } };
      },
    });
    const send = () => app.inject({ method: 'POST', url: '/v2/superimpose', payload: body });
    const running = await send();
    const waiting = await send();
    const refused = await send();
    expect([running.statusCode, waiting.statusCode, refused.statusCode]).toEqual([200, 200, 429]);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json()).toEqual({ error: expect.stringContaining('queue is full') });
    release();
    await app.close(); // drains
  });
});

describe('the Segmind Python SDK flow, against a listening server', () => {
  it('submit, poll status_url verbatim each second, read response_url, then run_sync', async () => {
    const app = buildApp(testConfig({ SUPERIMPOSE_API_KEYS: 'sdk-key' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    // SegmindClient(base_url="http://127.0.0.1:PORT/v1", api_key="sdk-key")
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const headers = { 'x-api-key': 'sdk-key', 'content-type': 'application/json' };
    try {
      // client.run("superimpose", **payload): submit to /v2/superimpose.
      const submitted = await fetch(baseUrl.replace(/\/v1$/, '/v2') + '/superimpose', { method: 'POST', headers, body: JSON.stringify({ ...body, base64: false }) });
      expect(submitted.status).toBe(200);
      const job = (await submitted.json()) as Submitted;
      expect(job.request_id).toMatch(/^[0-9a-f-]{36}$/);
      // job.wait(interval=1.0): GET status_url as given, read "status".
      let status = '';
      for (let polls = 0; polls < 30 && status !== 'COMPLETED' && status !== 'FAILED'; polls++) {
        if (polls > 0) await sleep(1000);
        const res = await fetch(job.status_url, { headers });
        status = ((await res.json()) as { status: string }).status;
      }
      expect(status).toBe('COMPLETED');
      // Then GET response_url: the final dict, with output and metrics.inference_time.
      const result = (await (await fetch(job.response_url, { headers })).json()) as { status: string; output: string; metrics: { inference_time: number } };
      expect(result.status).toBe('COMPLETED');
      expect(result.metrics.inference_time).toBeGreaterThan(0);
      const image = await fetch(result.output);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
      expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBe(1024);

      // A failed job: the SDK reads "error" for InferenceFailed.detail.
      const bad = (await (await fetch(`http://127.0.0.1:${port}/v2/superimpose`, { method: 'POST', headers, body: JSON.stringify({ ...body, base_image: 'bm9wZQ==' }) })).json()) as Submitted;
      let failed: { status: string; error?: string } = { status: '' };
      for (let polls = 0; polls < 30 && failed.status !== 'FAILED'; polls++) {
        if (polls > 0) await sleep(1000);
        failed = (await (await fetch(bad.status_url, { headers })).json()) as typeof failed;
      }
      expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringContaining('base_image') });

      // client.run_sync(...): POST /v1/superimpose, raw bytes back.
      const sync = await fetch(`${baseUrl}/superimpose`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(sync.status).toBe(200);
      expect(sync.headers.get('content-type')).toBe('image/jpeg');
      expect((await sharp(Buffer.from(await sync.arrayBuffer())).metadata()).format).toBe('jpeg');
    } finally {
      await app.close();
    }
  });
});
