import { request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { GENERATIVE_MODELS, type GenerativeModel } from '../../src/contract/generative.js';
import type { ParameterSpec } from '../../src/contract/parameters.js';
import { buildApp } from '../../src/http/app.js';
import { bgReplace, sd15Img2Img } from '../../src/proxy/models.js';
import { stubServer, testConfig } from '../helpers/http.js';
import { freePort } from '../helpers/net.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const IMAGE_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
let seen: Seen[] = [];
// The stub upstream, on loopback port 0. Started at load time: the apps below are built from its URL.
const upstream = await stubServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const url = req.url ?? '';
    if (req.headers['x-api-key'] === 'bad-key') return res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Invalid API key"}');
    if (body.includes('"prompt":"explode"')) return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"upstream broke"}');
    if (body.includes('"prompt":"slow"')) return; // never answers
    if (url.startsWith('/v1/')) return res.writeHead(200, { 'content-type': 'image/jpeg', 'x-remaining-credits': '41.5', 'x-request-id': 'abc' }).end(IMAGE_BYTES);
    if (url.startsWith('/v2/requests/up-123/status')) return res.writeHead(200, { 'content-type': 'application/json' }).end('{"request_id":"up-123","status":"COMPLETED","metrics":{"inference_time":2.5}}');
    if (url === '/v2/requests/up-123') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"request_id":"up-123","status":"COMPLETED","output":"https://cdn.example/out.jpg","metrics":{"inference_time":2.5},"error":null}');
    if (url.startsWith('/v2/')) {
      const base = `http://${req.headers.host}`;
      return res
        .writeHead(200, { 'content-type': 'application/json', 'x-remaining-credits': '40' })
        .end(JSON.stringify({ request_id: 'up-123', status: 'QUEUED', status_url: `${base}/v2/requests/up-123/status`, response_url: `${base}/v2/requests/up-123` }));
    }
    res.writeHead(404).end();
  });
});
afterAll(() => upstream.close());
beforeEach(() => {
  seen = [];
});

const appWith = (env: Record<string, string> = {}) => buildApp(testConfig({ SEGMIND_BASE_URL: upstream.url, SEGMIND_TIMEOUT_MS: '2000', ...env }));
const valid: Record<GenerativeModel, Record<string, unknown>> = {
  'sd1.5-img2img': { image: 'aGVsbG8=', prompt: 'A fantasy landscape', samples: 1, num_inference_steps: 25, guidance_scale: 10.5, strength: 0.75, seed: 98877465625, img_width: 512, img_height: 512, base64: false },
  'bg-replace': { image: 'aGVsbG8=', ref_image: 'https://example.com/ref.jpg', prompt: 'Perfume bottle on a rock', samples: 1, seed: 12467, cn_weight: 0.9 },
  'seg-swap': { main_image: 'https://example.com/a.png', mask_image: 'https://example.com/m.png', object_image: 'https://example.com/o.png', steps: 30, growmask: 5, image_format: 'png' },
};

describe('v1 proxy for the generative models', () => {
  const app = appWith();
  afterAll(() => app.close());

  it.each(Object.keys(valid) as GenerativeModel[])('forwards %s: path, body exactly as sent, and the client key', async (model) => {
    // Odd spacing, key order and a field the seed pages don't name must all arrive unchanged.
    const raw = JSON.stringify({ ...valid[model], future_option: { nested: [1, 2] } }).replace(/,/, ' ,\n ');
    const res = await app.inject({ method: 'POST', url: `/v1/${model}`, payload: raw, headers: { 'content-type': 'application/json', 'x-api-key': 'client-key' } });
    expect(res.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: `/v1/${model}`, body: raw });
    expect(seen[0]!.headers['x-api-key']).toBe('client-key');
  });

  it('passes bytes, content-type and x-* headers (x-remaining-credits) through', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sd1.5-img2img', payload: valid['sd1.5-img2img'], headers: { 'x-api-key': 'k' } });
    expect(res.rawPayload).toEqual(IMAGE_BYTES);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-remaining-credits']).toBe('41.5');
    expect(res.headers['x-request-id']).toBe('abc');
  });

  it('uses SEGMIND_API_KEY when the client sends none', async () => {
    const keyed = appWith({ SEGMIND_API_KEY: 'server-key' });
    const res = await keyed.inject({ method: 'POST', url: '/v1/bg-replace', payload: valid['bg-replace'] });
    expect(res.statusCode).toBe(200);
    expect(seen[0]!.headers['x-api-key']).toBe('server-key');
    await keyed.close();
  });

  it('answers a local 401 saying how to fix it when there is no key anywhere, without calling upstream', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/seg-swap', payload: valid['seg-swap'] });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: expect.stringContaining('SEGMIND_API_KEY') });
    expect(seen).toEqual([]);
  });

  it('with local keys on, sends the server key upstream, never the local one', async () => {
    const guarded = appWith({ SUPERIMPOSE_API_KEYS: 'local-secret', SEGMIND_API_KEY: 'server-key' });
    const res = await guarded.inject({ method: 'POST', url: '/v1/seg-swap', payload: valid['seg-swap'], headers: { 'x-api-key': 'local-secret' } });
    expect(res.statusCode).toBe(200);
    expect(seen[0]!.headers['x-api-key']).toBe('server-key');
    await guarded.close();
  });

  it('passes upstream 401 and 500 statuses and bodies through', async () => {
    const denied = await app.inject({ method: 'POST', url: '/v1/sd1.5-img2img', payload: valid['sd1.5-img2img'], headers: { 'x-api-key': 'bad-key' } });
    expect(denied.statusCode).toBe(401);
    expect(denied.json()).toEqual({ error: 'Invalid API key' });
    const broken = await app.inject({ method: 'POST', url: '/v1/sd1.5-img2img', payload: { ...valid['sd1.5-img2img'], prompt: 'explode' }, headers: { 'x-api-key': 'k' } });
    expect(broken.statusCode).toBe(500);
    expect(broken.json()).toEqual({ error: 'upstream broke' });
  });

  it('answers 504 within the timeout plus 1 s when upstream is slow', async () => {
    const quick = appWith({ SEGMIND_TIMEOUT_MS: '400' });
    const started = performance.now();
    const res = await quick.inject({ method: 'POST', url: '/v1/sd1.5-img2img', payload: { ...valid['sd1.5-img2img'], prompt: 'slow' }, headers: { 'x-api-key': 'k' } });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({ error: expect.stringContaining('SEGMIND_TIMEOUT_MS') });
    expect(performance.now() - started).toBeLessThan(1400);
    expect(seen).toHaveLength(1); // never retried
    await quick.close();
  });

  it('answers 502 when upstream is unreachable', async () => {
    // A loopback port that was free a moment ago: nothing listens there.
    const port = await freePort();
    const unreachable = buildApp(testConfig({ SEGMIND_BASE_URL: `http://127.0.0.1:${port}` }));
    const res = await unreachable.inject({ method: 'POST', url: '/v1/bg-replace', payload: valid['bg-replace'], headers: { 'x-api-key': 'k' } });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ error: expect.stringContaining('Could not reach Segmind') });
    await unreachable.close();
  });
});

/** Every stated range, broken one field at a time. */
function violations(): [GenerativeModel, string, unknown][] {
  const cases: [GenerativeModel, string, unknown][] = [];
  for (const [model, table] of Object.entries(GENERATIVE_MODELS) as [GenerativeModel, Record<string, ParameterSpec>][]) {
    for (const [field, spec] of Object.entries(table)) {
      if (spec.kind === 'number' || spec.kind === 'integer') {
        const step = spec.kind === 'integer' ? 1 : 0.01;
        if (spec.min !== undefined) cases.push([model, field, spec.min - step]);
        if (spec.max !== undefined) cases.push([model, field, spec.max + step]);
        if (spec.kind === 'integer') cases.push([model, field, 1.5]);
        cases.push([model, field, 'not a number']);
      }
      if (spec.kind === 'enum') cases.push([model, field, 'gif']);
      if (spec.kind === 'boolean' || spec.kind === 'string') cases.push([model, field, 12]);
      if ('required' in spec && spec.required) cases.push([model, field, undefined]);
    }
  }
  return cases;
}

describe('validation before anything goes upstream', () => {
  const app = appWith({ SEGMIND_API_KEY: 'server-key' });
  afterAll(() => app.close());

  it.each(violations())('%s refuses %s = %j with a 400 naming it, sending nothing', async (model, field, value) => {
    const payload: Record<string, unknown> = { ...valid[model], [field]: value };
    if (value === undefined) delete payload[field];
    const res = await app.inject({ method: 'POST', url: `/v1/${model}`, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(field);
    const v2 = await app.inject({ method: 'POST', url: `/v2/${model}`, payload });
    expect(v2.statusCode).toBe(400);
    expect(seen).toEqual([]);
  });

  it('accepts the edges of every range', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/bg-replace', payload: { ...valid['bg-replace'], seed: 999_999_999_999_999, guidance_scale: 1, samples: 4 } });
    expect(res.statusCode).toBe(200);
  });
});

describe('v2 through the proxy', () => {
  it('submits upstream, answers local absolute URLs, and relays status and result', async () => {
    const app = appWith({ SEGMIND_API_KEY: 'server-key' });
    const submit = await app.inject({ method: 'POST', url: '/v2/sd1.5-img2img', payload: valid['sd1.5-img2img'], authority: 'local.example:8080' });
    expect(submit.statusCode).toBe(200);
    expect(submit.headers['x-remaining-credits']).toBe('40');
    const job = submit.json<{ request_id: string; status_url: string; response_url: string }>();
    expect(job).toEqual({ request_id: 'up-123', status: 'QUEUED', status_url: 'http://local.example:8080/v2/requests/up-123/status', response_url: 'http://local.example:8080/v2/requests/up-123' });
    expect(seen[0]).toMatchObject({ url: '/v2/sd1.5-img2img' });

    const status = await app.inject({ url: '/v2/requests/up-123/status' });
    expect(status.json()).toEqual({ request_id: 'up-123', status: 'COMPLETED', metrics: { inference_time: 2.5 } });
    const result = await app.inject({ url: '/v2/requests/up-123' });
    expect(result.json()).toMatchObject({ status: 'COMPLETED', output: 'https://cdn.example/out.jpg' });
    expect(seen.map((s) => s.url)).toEqual(['/v2/sd1.5-img2img', '/v2/requests/up-123/status', '/v2/requests/up-123']);
    expect(seen.every((s) => s.headers['x-api-key'] === 'server-key')).toBe(true);
    await app.close();
  });
});

describe('library calls', () => {
  const options = () => ({ baseUrl: upstream.url, apiKey: 'lib-key', timeoutMs: 2000 });

  it('sd15Img2Img returns the bytes, content type and credits header', async () => {
    const result = await sd15Img2Img({ image: 'aGVsbG8=', prompt: 'a castle' }, options());
    expect(result.data).toEqual(IMAGE_BYTES);
    expect(result.contentType).toBe('image/jpeg');
    expect(result.headers['x-remaining-credits']).toBe('41.5');
    expect(seen[0]!.headers['x-api-key']).toBe('lib-key');
  });

  it('validates before calling, and throws upstream errors with their status', async () => {
    await expect(bgReplace({ image: 'a', ref_image: 'b', prompt: 'p', samples: 9 }, options())).rejects.toMatchObject({ status: 400, field: 'samples' });
    expect(seen).toEqual([]);
    await expect(bgReplace({ image: 'a', ref_image: 'b', prompt: 'explode' }, options())).rejects.toMatchObject({ status: 500, code: 'upstream_error' });
  });
});

describe('streaming', () => {
  it('relays the first bytes before upstream has finished the body', async () => {
    let finish!: () => void;
    const slowBody = await stubServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'x-remaining-credits': '7' });
      res.write(Buffer.from('first-chunk'));
      finish = () => res.end(Buffer.from('-rest'));
    });
    const app = buildApp(testConfig({ SEGMIND_BASE_URL: slowBody.url, SEGMIND_API_KEY: 'k' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/sd1.5-img2img`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(valid['sd1.5-img2img']) });
      expect(res.headers.get('x-remaining-credits')).toBe('7');
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(Buffer.from(first.value!).toString()).toBe('first-chunk');
      finish();
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString();
      expect(rest).toBe('-rest');
    } finally {
      await app.close();
      await slowBody.close();
    }
  });
});

describe('client disconnect', () => {
  it('aborts the upstream call when the client goes away mid-answer', async () => {
    let upstreamClosed!: Promise<void>;
    const endless = await stubServer((_req, res) => {
      upstreamClosed = new Promise((resolve) => res.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.from('partial'));
    });
    const app = buildApp(testConfig({ SEGMIND_BASE_URL: endless.url, SEGMIND_API_KEY: 'k' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    try {
      // A client that hangs up (destroys its socket) after the first bytes.
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/v1/sd1.5-img2img', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', reject);
        req.end(JSON.stringify(valid['sd1.5-img2img']));
      });
      await expect(Promise.race([upstreamClosed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 3000))])).resolves.toBe('closed');
    } finally {
      await app.close();
      await endless.close();
    }
  });

  it.each([['/v1/bg-replace'], ['/v2/bg-replace']])('aborts the upstream call of %s when the client goes away before any answer', async (path) => {
    let upstreamClosed!: Promise<void>;
    const silent = await stubServer((req) => {
      upstreamClosed = new Promise((resolve) => req.socket.once('close', () => resolve()));
    });
    const app = buildApp(testConfig({ SEGMIND_BASE_URL: silent.url, SEGMIND_API_KEY: 'k', SEGMIND_TIMEOUT_MS: '60000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    try {
      // A client that hangs up (destroys its socket) while upstream has not answered.
      const client = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' } });
      client.on('error', () => {});
      client.end(JSON.stringify(valid['bg-replace']));
      await expect.poll(() => upstreamClosed !== undefined).toBe(true);
      client.destroy();
      await expect(Promise.race([upstreamClosed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 3000))])).resolves.toBe('closed');
    } finally {
      await app.close();
      await silent.close();
    }
  });
});
