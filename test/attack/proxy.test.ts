import { request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { stubServer, testConfig } from '../helpers/http.js';

const MB = 1024 * 1024;
const ATTACK_BYTES = 200 * MB;
const TIMEOUT_MS = 1000;
const submission = JSON.stringify({ image: 'aGVsbG8=', ref_image: 'https://example.com/ref.jpg', prompt: 'p' });

/** 200 MB from one reused chunk, at the pace the reader takes it; stops when the reader hangs up. */
function flood(res: ServerResponse, declare: boolean): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(ATTACK_BYTES) } : {}) });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let sent = 0;
  const pump = () => {
    while (sent < ATTACK_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

// Loopback only, port 0: the prompt picks the attack.
const upstream = await stubServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    if (body.includes('"prompt":"trickle"')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(timer));
      return void res.write('x');
    }
    if (body.includes('"prompt":"small"')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"request_id":"r1","status":"QUEUED"}');
    flood(res, body.includes('"prompt":"declared"'));
  });
});
afterAll(() => upstream.close());

// The default bound (64 MiB): SEGMIND_MAX_RESPONSE_BYTES is left unset.
const app = buildApp(testConfig({ SEGMIND_BASE_URL: upstream.url, SEGMIND_API_KEY: 'k', SEGMIND_TIMEOUT_MS: String(TIMEOUT_MS) }));
afterAll(() => app.close());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('an upstream answering 200 MB to a v2 submit', () => {
  it.each([
    ['with no Content-Length', 'flood', /larger than 67108864 bytes.*SEGMIND_MAX_RESPONSE_BYTES/],
    ['declaring it', 'declared', /declares 209715200 bytes, more than the 67108864.*SEGMIND_MAX_RESPONSE_BYTES/],
  ])('%s is refused with 502 while resident memory grows by less than twice the 64 MiB bound', async (label, prompt, message) => {
    // A first exchange loads and compiles what every one uses: not the flood's cost.
    const warm = await app.inject({ method: 'POST', url: '/v2/bg-replace', headers: { 'content-type': 'application/json' }, payload: submission.replace('"p"', '"small"') });
    expect(warm.statusCode).toBe(200);
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const started = performance.now();
    const res = await app.inject({ method: 'POST', url: '/v2/bg-replace', headers: { 'content-type': 'application/json' }, payload: submission.replace('"p"', JSON.stringify(prompt)) });
    const ms = performance.now() - started;
    clearInterval(sampler);
    const after = process.memoryUsage().rss;
    peak = Math.max(peak, after);
    console.log(`200 MB upstream answer ${label}: ${res.statusCode} in ${Math.round(ms)} ms; RSS before ${(before / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB (+${((peak - before) / MB).toFixed(1)}), after ${(after / MB).toFixed(1)} MB (+${((after - before) / MB).toFixed(1)})`);
    expect(res.statusCode).toBe(502);
    expect(res.json<{ error: string }>().error).toMatch(message);
    // Up to the bound is held before it is passed; the rest is the stream's own buffering.
    expect(after - before).toBeLessThan(128 * MB);
    expect(peak - before).toBeLessThan(128 * MB);
  });
});

describe('a trickling upstream', () => {
  it('is cut within the timeout plus 1 s on a v2 submit, with 504', async () => {
    const started = performance.now();
    const res = await app.inject({ method: 'POST', url: '/v2/bg-replace', headers: { 'content-type': 'application/json' }, payload: submission.replace('"p"', '"trickle"') });
    const ms = performance.now() - started;
    console.log(`trickling upstream, v2 submit: ${res.statusCode} after ${Math.round(ms)} ms (SEGMIND_TIMEOUT_MS=${TIMEOUT_MS})`);
    expect(res.statusCode).toBe(504);
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it('is cut within the timeout plus 1 s on a v1 relay: the client sees an incomplete body', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const gcTimer = setInterval(gc, 50);
    const started = performance.now();
    const seen = await new Promise<{ status: number; bytes: number; complete: boolean }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/bg-replace', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('error', () => {});
        res.on('close', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
      });
      req.on('error', reject);
      req.end(submission.replace('"p"', '"trickle"'));
    }).finally(() => clearInterval(gcTimer));
    const ms = performance.now() - started;
    console.log(`trickling upstream, v1 relay: status ${seen.status}, ${seen.bytes} bytes relayed, complete ${seen.complete}, cut after ${Math.round(ms)} ms (SEGMIND_TIMEOUT_MS=${TIMEOUT_MS})`);
    expect(seen).toMatchObject({ status: 200, complete: false });
    expect(ms).toBeLessThan(TIMEOUT_MS + 1000);
  });
});
