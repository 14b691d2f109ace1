import { request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/**
 * An upstream that misbehaves as the request's prompt says: its v2 submissions
 * send their polls back to the same misbehaviour.
 */
const faults = await stubServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const fault = /"prompt":"(\w+)"/.exec(body)?.[1] ?? /^\/v2\/requests\/(\w+)\//.exec(req.url ?? '')?.[1];
    if (req.url?.startsWith('/v2/bg-replace') && fault === 'polled') {
      const base = `http://${req.headers.host}/v2/requests/trickle`;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ request_id: 'trickled', status: 'QUEUED', status_url: `${base}/status`, response_url: base }));
    }
    misbehave(res, fault);
  });
});
afterAll(() => faults.close());

function misbehave(res: ServerResponse, fault: string | undefined): void {
  switch (fault) {
    case 'trickle': {
      // A byte every 100 ms, for ever.
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('{'), 100);
      res.on('close', () => clearInterval(timer));
      return void res.write('{');
    }
    case 'stall':
      // Headers, then nothing.
      return void res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
    case 'cut':
      // Promises 1000 bytes, sends 100, hangs up.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }).write('x'.repeat(100));
      return void setTimeout(() => res.socket?.destroy(), 50);
    case 'chunked':
      // 200 KiB with no Content-Length.
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.alloc(200 * 1024, 'x'));
    case 'declared':
      // Declares 10 MiB, sends a little, then hangs: refused on the declaration, not at the timeout.
      return void res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) }).write('x'.repeat(100));
    default:
      res.writeHead(404).end();
  }
}

/** An HTTP/1.0-style upstream: no Content-Length, no chunks, the body ends when the connection does. */
const closeDelimited = await new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n');
      socket.end(Buffer.alloc(200 * 1024, 'x'));
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    resolve({
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
    });
  });
});
afterAll(() => closeDelimited.close());

const TIMEOUT_MS = 500;
const MAX_BYTES = 64 * 1024;
const boundedApp = (baseUrl = faults.url) =>
  buildApp(testConfig({ SEGMIND_BASE_URL: baseUrl, SEGMIND_API_KEY: 'k', SEGMIND_TIMEOUT_MS: String(TIMEOUT_MS), SEGMIND_MAX_RESPONSE_BYTES: String(MAX_BYTES) }));
const faultyRequest = (fault: string) => ({ ...valid['bg-replace'], prompt: fault });
const TOO_LARGE = /larger than 65536 bytes.*SEGMIND_MAX_RESPONSE_BYTES/;

/** A real HTTP client's view of one response: what arrived, whether it was complete, and when it was over. */
function clientRequest(port: number, path: string, body?: string): Promise<{ status: number; body: Buffer; complete: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => {}); // "aborted": seen below as complete === false
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: res.complete, ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs V8's collector every 50 ms until `work` settles. */
async function collectingGarbage<T>(work: Promise<T>): Promise<T> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const timer = setInterval(gc, 50);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

describe('bounds on what is read from upstream', () => {
  it.each([
    ['trickles past the timeout', 504, 'trickle', faults, /did not finish its answer within 500 ms \(SEGMIND_TIMEOUT_MS\)/],
    ['sends headers, then nothing', 504, 'stall', faults, /did not finish its answer within 500 ms \(SEGMIND_TIMEOUT_MS\)/],
    ['cuts the body mid-way', 502, 'cut', faults, /broke off after 100 bytes/],
    ['sends more than the bound, with no Content-Length', 502, 'chunked', faults, TOO_LARGE],
    ['sends more than the bound, delimited by closing', 502, 'any', closeDelimited, TOO_LARGE],
    ['declares more than the bound', 502, 'declared', faults, /declares 10485760 bytes, more than the 65536.*SEGMIND_MAX_RESPONSE_BYTES/],
  ])('a v2 submit whose upstream %s answers %i, within the timeout plus 1 s', async (_label, status, fault, stub, message) => {
    const app = boundedApp(stub.url);
    try {
      const started = performance.now();
      const res = await app.inject({ method: 'POST', url: '/v2/bg-replace', payload: faultyRequest(fault) });
      expect(res.statusCode).toBe(status);
      expect(res.json<{ error: string }>().error).toMatch(message);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
    } finally {
      await app.close();
    }
  });

  it('refuses a declared Content-Length over the bound before reading, well within the timeout', async () => {
    const app = boundedApp();
    const started = performance.now();
    const res = await app.inject({ method: 'POST', url: '/v1/bg-replace', payload: faultyRequest('declared') });
    expect(res.statusCode).toBe(502);
    expect(res.json<{ error: string }>().error).toMatch(/SEGMIND_MAX_RESPONSE_BYTES/);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    await app.close();
  });

  it('a v1 relay whose upstream sends headers and then nothing answers 504, since nothing was relayed yet', async () => {
    const app = boundedApp();
    const res = await app.inject({ method: 'POST', url: '/v1/bg-replace', payload: faultyRequest('stall') });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toEqual({ error: expect.stringContaining('SEGMIND_TIMEOUT_MS') });
    await app.close();
  });

  describe('a v1 relay that has begun is cut, never completed, when upstream', () => {
    const app = boundedApp();
    let port = 0;
    beforeAll(async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      port = (app.server.address() as AddressInfo).port;
    });
    afterAll(() => app.close());

    it.each([
      ['trickles past the timeout', 'trickle'],
      ['cuts the body mid-way', 'cut'],
      ['sends more than the bound', 'chunked'],
    ])('%s', async (_label, fault) => {
      // Collecting garbage throughout: a timeout signal only weakly held must still fire.
      const res = await collectingGarbage(clientRequest(port, '/v1/bg-replace', JSON.stringify(faultyRequest(fault))));
      expect(res.status).toBe(200);
      expect(res.complete).toBe(false);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.length).toBeLessThanOrEqual(MAX_BYTES);
      expect(res.ms).toBeLessThan(TIMEOUT_MS + 1000);
    });

    it('trickles an answer to a forwarded poll', async () => {
      const submit = await app.inject({ method: 'POST', url: '/v2/bg-replace', payload: faultyRequest('polled') });
      expect(submit.statusCode).toBe(200);
      const res = await collectingGarbage(clientRequest(port, '/v2/requests/trickled/status'));
      expect(res).toMatchObject({ status: 200, complete: false });
      expect(res.ms).toBeLessThan(TIMEOUT_MS + 1000);
    });
  });

  it.each([
    ['sends more than the bound', 502, 'chunked', { code: 'upstream_error', message: expect.stringMatching(/larger than 65536 bytes.*\(maxResponseBytes\)/) }],
    ['declares more than the bound', 502, 'declared', { code: 'upstream_error', message: expect.stringContaining('(maxResponseBytes)') }],
    ['cuts the body mid-way', 502, 'cut', { code: 'upstream_unreachable' }],
    ['trickles past the timeout', 504, 'trickle', { code: 'upstream_timeout', message: expect.stringContaining('(timeoutMs)') }],
  ])('a library call whose upstream %s rejects with status %i', async (_label, status, fault, expected) => {
    const options = { baseUrl: faults.url, apiKey: 'lib-key', timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_BYTES };
    await expect(bgReplace({ image: 'a', ref_image: 'b', prompt: fault }, options)).rejects.toMatchObject({ status, ...expected });
  });
});
