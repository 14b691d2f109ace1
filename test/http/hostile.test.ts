import { connect, type AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { goldenBase64, goldenBytes, stubServer, testConfig } from '../helpers/http.js';
import { animated, pngWithHeader, svg } from '../helpers/hostile.js';
import { streamZeros } from '../helpers/net.js';

/**
 * The hostile battery: every broken or malicious input gets a 4xx {"error"} (or,
 * where the documented decision is to render, a 200) within 15 s, and the
 * server still serves a good request afterwards.
 */
const b64 = (bytes: Buffer) => bytes.toString('base64');
const base = goldenBase64('concert.jpg');
const overlay = goldenBase64('swiss.png');
const solid = (width: number, height: number, background: string | object, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } }).png().toBuffer();

let hits = 0;
const upstream = await stubServer((req, res) => {
  hits++;
  if (req.url === '/hang') return; // never answers
  if (req.url === '/huge') return streamZeros(res, 200, 1024 * 1024);
  res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(overlay, 'base64'));
});
const app = buildApp(
  testConfig({
    SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1',
    SUPERIMPOSE_FETCH_TIMEOUT_MS: '1000',
    SUPERIMPOSE_FETCH_MAX_BYTES: String(10 * 1024 * 1024),
    SUPERIMPOSE_MAX_BODY_BYTES: String(20 * 1024 * 1024),
    SUPERIMPOSE_REQUEST_TIMEOUT_MS: '1500',
    SUPERIMPOSE_SVG: 'on',
  }),
);
let url = '';
beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
  await upstream.close();
});

interface Answer {
  status: number;
  body: string;
}

const postRaw = async (payload: string, contentType = 'application/json'): Promise<Answer> => {
  const res = await app.inject({ method: 'POST', url: '/v1/superimpose', payload, headers: { 'content-type': contentType } });
  return { status: res.statusCode, body: res.body };
};
const post = (body: Record<string, unknown>) => postRaw(JSON.stringify({ base_image: base, overlay_image: overlay, ...body }));

type Case = [name: string, send: () => Promise<Answer>, status: number, message?: RegExp];

const cases: Case[] = [
  // JSON and content types
  ['malformed JSON', () => postRaw('{"base_image": '), 400, /JSON/],
  ['empty JSON body', () => postRaw(''), 400, /empty/],
  ['deeply nested JSON', () => postRaw(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400, /JSON object/],
  ['NaN literal', () => postRaw(`{"base_image":"${base}","overlay_image":"${overlay}","opacity":NaN}`), 400, /JSON/],
  ['Infinity literal', () => postRaw(`{"base_image":"${base}","overlay_image":"${overlay}","opacity":Infinity}`), 400, /JSON/],
  ['1e400 overflows to Infinity', () => postRaw(`{"base_image":"${base}","overlay_image":"${overlay}","opacity":1e400}`), 400, /opacity.*Infinity/],
  ['huge integer offset', () => post({ x_offset: 1e20 }), 400, /x_offset/],
  ['huge width', () => post({ overlay_resize: 'Resize to width & heigth', width: 1e15 }), 400, /width/],
  ['string for a number', () => post({ rescale_factor: '0.4' }), 400, /rescale_factor/],
  ['null for a required image', () => post({ base_image: null }), 400, /base_image.*null/],
  ['array body', () => postRaw('[1,2,3]'), 400, /JSON object/],
  ['string body', () => postRaw('"just a string"'), 400, /JSON object/],
  ['__proto__ pollution', () => postRaw(`{"base_image":"${base}","overlay_image":"${overlay}","__proto__":{"polluted":true}}`), 400],
  ['constructor.prototype pollution', () => postRaw(`{"base_image":"${base}","overlay_image":"${overlay}","constructor":{"prototype":{"polluted":true}}}`), 400],
  ['unknown field', () => post({ overlay_scale: 2 }), 400, /overlay_scale/],
  ['text/plain body', () => postRaw('hello', 'text/plain'), 415, /application\/json/],
  ['multipart body', () => postRaw('--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'), 415],
  ['body over the limit', () => post({ mask: 'A'.repeat(21 * 1024 * 1024) }), 413, /SUPERIMPOSE_MAX_BODY_BYTES/],
  // Images
  ['random bytes', () => post({ overlay_image: b64(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))) }), 400, /overlay_image.*could not be decoded/],
  ['corrupt PNG header', () => post({ base_image: b64(Buffer.concat([pngWithHeader(10, 10).subarray(0, 8), Buffer.alloc(64, 7)])) }), 400, /base_image/],
  ['truncated JPEG (refused)', async () => { const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: 'red' } }).jpeg().toBuffer(); return post({ base_image: b64(jpeg.subarray(0, jpeg.length >> 1)) }); }, 400, /base_image.*could not be decoded/],
  ['truncated PNG (refused)', async () => { const png = await solid(300, 300, 'red'); return post({ overlay_image: b64(png.subarray(0, png.length - 30)) }); }, 400, /overlay_image/],
  ['65536x65536 PNG header', () => post({ base_image: b64(pngWithHeader(65536, 65536)) }), 413, /at most 50000000 pixels.*65536x65536/],
  ['empty image string', () => post({ overlay_image: '' }), 400, /overlay_image/],
  ['whitespace base64', () => post({ overlay_image: '   ' }), 400, /overlay_image/],
  ['base64 of nothing useful', () => post({ mask: 'AAAA' }), 400, /mask/],
  ['undecodable mask', () => post({ mask: b64(Buffer.from('GIF89a nonsense')) }), 400, /mask/],
  ['bad data: URI', () => post({ overlay_image: 'data:image/png;base64,@@@@' }), 400, /overlay_image/],
  ['data: URI without a comma', () => post({ overlay_image: 'data:image/png;base64' }), 400, /data: URI/],
  ['fake HEIC', () => post({ overlay_image: b64(Buffer.concat([Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(200)])) }), 400, /HEIC.*not supported/],
  ['animated GIF: first frame', async () => post({ overlay_image: b64(await animated('gif')), image_format: 'png' }), 200],
  ['animated WebP: first frame', async () => post({ overlay_image: b64(await animated('webp')), image_format: 'png' }), 200],
  ['AVIF overlay', async () => post({ overlay_image: b64(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'green' } }).avif().toBuffer()) }), 200],
  ['SVG naming file:///etc/passwd', () => post({ overlay_image: b64(svg('<image xlink:href="file:///etc/passwd" width="64" height="64"/>')), image_format: 'png' }), 400, /overlay_image/],
  ['SVG blur filter on a 7000x7000 canvas', () => post({ overlay_image: b64(svg('<filter id="f"><feGaussianBlur stdDeviation="900"/></filter><rect width="7000" height="7000" filter="url(#f)"/>', 'width="7000" height="7000"')) }), 400, /filter/i],
  ['SVG of nested <use>', () => post({ overlay_image: b64(svg(`<g id="a0"><rect width="1" height="1"/></g>${Array.from({ length: 12 }, (_, i) => `<g id="a${i + 1}"><use href="#a${i}"/><use href="#a${i}"/><use href="#a${i}"/><use href="#a${i}"/></g>`).join('')}`)) }), 413, /overlay_image/],
  ['SVG of 100000x100000', () => post({ overlay_image: b64(svg('<rect width="1" height="1"/>', 'width="100000" height="100000"')) }), 413, /overlay_image/],
  ['SVG entity expansion', () => post({ overlay_image: b64(Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&g;</text></svg>')) }), 400],
  ['fully transparent overlay', async () => post({ overlay_image: b64(await solid(50, 50, { r: 0, g: 0, b: 0, alpha: 0 }, 4)), image_format: 'png' }), 200],
  ['16-bit PNG', async () => post({ overlay_image: b64(await sharp(Uint16Array.from({ length: 48 }, (_, i) => i * 1000), { raw: { width: 4, height: 4, channels: 3 } }).toColourspace('rgb16').png().toBuffer()) }), 200],
  ['CMYK JPEG', async () => post({ overlay_image: b64(await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).toColourspace('cmyk').jpeg().toBuffer()) }), 200],
  // Sizes
  ['rescale 16 on a 2048x1536 logo', async () => post({ overlay_image: b64(await solid(2048, 1536, 'red')), rescale_factor: 16 }), 413, /at most 25000000 pixels \(SUPERIMPOSE_MAX_OVERLAY_PIXELS\) after resizing/],
  ['width & height 100000', () => post({ overlay_resize: 'Resize to width & heigth', width: 100000, height: 100000 }), 413, /100000x100000/],
  ['rotation pushes the overlay over the limit', async () => post({ overlay_resize: 'Resize to width & heigth', width: 4900, height: 4900, rotation: 45 }), 413, /after rotation/],
  ['rescale to zero', () => post({ rescale_factor: 0 }), 400, /at least 1x1/],
  // URLs
  ['file: URL', () => post({ overlay_image: 'file:///etc/passwd' }), 400, /Expected base64, a data: URI or an http\(s\) URL for overlay_image but received "file:/],
  ['metadata address', () => post({ overlay_image: 'http://169.254.169.254/latest/meta-data/' }), 400, /private or reserved/],
  ['IPv4-mapped loopback', () => post({ overlay_image: `http://[::ffff:127.0.0.1]:${new URL(upstream.url).port}/x.png` }), 400, /private or reserved/],
  ['URL that never answers', () => post({ overlay_image: `${upstream.url}/hang` }), 400, /within 1000 ms/],
  ['URL streaming 200 MB', () => post({ overlay_image: `${upstream.url}/huge` }), 413, /SUPERIMPOSE_FETCH_MAX_BYTES/],
];

describe('hostile inputs', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('%s', async (_name, send, status, message) => {
    const started = performance.now();
    const answer = await send();
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(answer.status).toBe(status);
    if (status >= 400) {
      const body = JSON.parse(answer.body) as { error: string };
      expect(Object.keys(body)).toEqual(['error']);
      if (message) expect(body.error).toMatch(message);
    }
  });

  it('renders the base unchanged under a fully transparent overlay', async () => {
    const plain = await post({ overlay_image: b64(await solid(50, 50, 'white')), opacity: 0, image_format: 'png' });
    const clear = await post({ overlay_image: b64(await solid(50, 50, { r: 0, g: 0, b: 0, alpha: 0 }, 4)), image_format: 'png' });
    expect(clear.status).toBe(200);
    expect(clear.body).toBe(plain.body);
  });

  it('never lets an SVG reach the network', async () => {
    hits = 0;
    const answer = await post({ overlay_image: b64(svg(`<image xlink:href="${upstream.url}/from-svg.png" width="64" height="64"/>`)), image_format: 'png' });
    expect(answer.status).toBe(400);
    expect(hits).toBe(0);
  });

  it('takes no SVG at all unless SUPERIMPOSE_SVG is on', async () => {
    const strict = buildApp(testConfig());
    const res = await strict.inject({ method: 'POST', url: '/v1/superimpose', payload: { base_image: base, overlay_image: b64(svg('<rect width="9" height="9"/>')) } });
    await strict.close();
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'Expected a jpeg, png, webp, gif, tiff or avif image for overlay_image but received SVG, which this server does not take (SUPERIMPOSE_SVG is off)' });
  });

  it('times out a slow upload with its connection closed', async () => {
    const started = performance.now();
    const { port } = new URL(url);
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /v1/superimpose HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"base_image":`);
      });
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('still serves a good request afterwards', async () => {
    const res = await fetch(`${url}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ base_image: base, overlay_image: overlay, rotation: 30 }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });
});

describe('bounded renders over HTTP', () => {
  it('fetches URL inputs before taking a render slot, answers 429 past the fetch queue, and frees the place of a client that hung up', async () => {
    // The fetch in flight is answered only when released: it holds its fetch slot, never a render slot.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const upstream = await stubServer((_req, res) => void held.then(() => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(goldenBytes('flowers.jpeg'))));
    const env = { SUPERIMPOSE_RENDER_CONCURRENCY: '1', SUPERIMPOSE_RENDER_QUEUE_LIMIT: '1', SUPERIMPOSE_FETCH_CONCURRENCY: '1', SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1' };
    const busy = buildApp(testConfig(env));
    await busy.listen({ port: 0, host: '127.0.0.1' });
    const target = `http://127.0.0.1:${(busy.server.address() as AddressInfo).port}`;
    const plain = JSON.stringify({ base_image: goldenBase64('flowers.jpeg'), overlay_image: goldenBase64('test-pattern.png'), rotation: 33 });
    const fromUrl = JSON.stringify({ ...JSON.parse(plain), base_image: `${upstream.url}/base.jpg` });
    const send = (body: string, signal?: AbortSignal) => fetch(`${target}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
    type Load = { renders_active: number; fetches_active: number; fetches_queued: number };
    const health = async () => (await (await fetch(`${target}/health`)).json()) as Load;
    try {
      const running = send(fromUrl);
      await expect.poll(async () => (await health()).fetches_active).toBe(1);
      expect((await health()).renders_active).toBe(0);
      // The only render slot is free: a request with its images in the body renders at once.
      expect((await send(plain)).status).toBe(200);
      const leaving = new AbortController();
      const waiting = send(fromUrl, leaving.signal).catch(() => 'aborted');
      await expect.poll(async () => (await health()).fetches_queued).toBe(1);
      const refused = await send(fromUrl);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ error: 'Too many URL fetches waiting (1, SUPERIMPOSE_RENDER_QUEUE_LIMIT): retry later' });
      leaving.abort();
      expect(await waiting).toBe('aborted');
      await expect.poll(async () => (await health()).fetches_queued).toBe(0);
      release();
      expect((await running).status).toBe(200);
    } finally {
      release();
      await busy.close();
      await upstream.close();
    }
  });
});
