import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERLAY_RESIZE_MODES } from '../../src/engine/target-size.js';
import { buildApp } from '../../src/http/app.js';
import { SEED_PARAMETERS } from '../helpers/seed.js';
import { goldenBase64, testConfig } from '../helpers/http.js';

const app = buildApp(testConfig());
const base = goldenBase64('square-1024.jpg');
const overlay = goldenBase64('test-pattern.png');
const post = (body: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/superimpose', payload: body as object, headers });

beforeAll(() => app.ready());
afterAll(() => app.close());

describe('POST /v1/superimpose', () => {
  it("answers the seed's Python request shape with JPEG bytes", async () => {
    // Seed page 000: requests.post(url, json=data, headers={'x-api-key': api_key}).
    const res = await post({ base_image: base, overlay_image: overlay, ...SEED_PARAMETERS }, { 'x-api-key': 'YOUR_API_KEY' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(res.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1024, 1024]);
  });

  it.each(OVERLAY_RESIZE_MODES.map((mode) => [mode]))('renders overlay_resize %j', async (overlay_resize) => {
    const res = await post({ base_image: base, overlay_image: overlay, overlay_resize, width: 100, height: 50, rescale_factor: 0.1, image_format: 'png' });
    expect(res.statusCode).toBe(200);
    expect((await sharp(res.rawPayload).metadata()).width).toBe(1024);
  });

  it.each([['jpeg'], ['png'], ['webp']])('answers image/%s', async (image_format) => {
    const res = await post({ base_image: base, overlay_image: overlay, rescale_factor: 0.2, image_format });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(`image/${image_format}`);
    expect((await sharp(res.rawPayload).metadata()).format).toBe(image_format);
  });

  it('answers {"image": base64} when base64 is true', async () => {
    const res = await post({ base_image: base, overlay_image: overlay, rescale_factor: 0.2, base64: true, image_format: 'png' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const { image } = res.json<{ image: string }>();
    expect((await sharp(Buffer.from(image, 'base64')).metadata()).format).toBe('png');
  });

  it('takes data: URIs', async () => {
    const res = await post({ base_image: `data:image/jpeg;base64,${base}`, overlay_image: `data:image/png;base64,${overlay}`, rescale_factor: 0.1 });
    expect(res.statusCode).toBe(200);
  });

  it.each([
    [{ rotation: 999 }, 'Expected integer between 0 and 360 for rotation but received 999'],
    [{ unknown_field: 1 }, 'Unknown field "unknown_field"'],
    [{ overlay_image: 'bm90IGFuIGltYWdl' }, 'for overlay_image but it could not be decoded'],
    [{ overlay_image: 'not base64!' }, 'Expected base64, a data: URI or an http(s) URL for overlay_image'],
    [{ overlay_image: '/etc/passwd' }, 'for overlay_image'],
    [{ base_image: 'file:///etc/passwd' }, 'Expected base64, a data: URI or an http(s) URL for base_image but received "file:///etc/passwd"'],
    [{ base_image: '0' }, 'Expected base64, a data: URI or an http(s) URL for base_image but received "0"'],
    [{ rescale_factor: 0.0001 }, 'at least 1x1'],
  ])('answers 400 for %j, naming the field', async (patch, message) => {
    const res = await post({ base_image: base, overlay_image: overlay, ...patch });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toContain(message);
  });

  it('answers 400 for a body that is not JSON, or not an object', async () => {
    const broken = await app.inject({ method: 'POST', url: '/v1/superimpose', payload: '{bad', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ error: expect.stringMatching(/JSON/) });
    const array = await post([1, 2]);
    expect(array.statusCode).toBe(400);
    expect(array.json()).toEqual({ error: expect.stringMatching(/JSON object/) });
  });

  it('answers 415 for a body that is not JSON at all', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/superimpose', payload: 'a=b', headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: 'Expected content-type application/json, the only body this server accepts, but received "text/csv"' });
  });
});

describe('errors and routing', () => {
  it('answers a JSON 404 for an unknown route and a JSON 405 for a wrong method', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'No route GET /v1/nothing' });
    const wrong = await app.inject({ method: 'GET', url: '/v1/superimpose' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers['allow']).toBe('POST');
    expect(wrong.json()).toEqual({ error: expect.stringContaining('GET is not allowed') });
    const wrongV2 = await app.inject({ method: 'DELETE', url: '/v2/requests/abc/status' });
    expect(wrongV2.statusCode).toBe(405);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = buildApp(testConfig({ SUPERIMPOSE_MAX_BODY_BYTES: '1000' }));
    const res = await small.inject({ method: 'POST', url: '/v1/superimpose', payload: { base_image: base, overlay_image: overlay } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: expect.stringContaining('SUPERIMPOSE_MAX_BODY_BYTES') });
    await small.close();
  });

  it('answers 500 without internals when rendering hits a bug', async () => {
    const buggy = buildApp(testConfig(), {
      render: async () => {
        throw new TypeError('secret internal detail at /srv/app.js:42');
      },
    });
    const res = await buggy.inject({ method: 'POST', url: '/v1/superimpose', payload: { base_image: base, overlay_image: overlay } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'Internal server error' });
    await buggy.close();
  });
});

describe('x-api-key', () => {
  const keyed = buildApp(testConfig({ SUPERIMPOSE_API_KEYS: 'k1, second-key' }));
  afterAll(() => keyed.close());
  const body = { base_image: base, overlay_image: overlay, rescale_factor: 0.1 };

  it('answers 401 without a key or with a wrong one', async () => {
    for (const headers of [{}, { 'x-api-key': 'k2' }, { 'x-api-key': '' }]) {
      const res = await keyed.inject({ method: 'POST', url: '/v1/superimpose', payload: body, headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: expect.stringMatching(/x-api-key/) });
    }
  });

  it('accepts any configured key, and leaves /health open', async () => {
    expect((await keyed.inject({ method: 'POST', url: '/v1/superimpose', payload: body, headers: { 'x-api-key': 'second-key' } })).statusCode).toBe(200);
    expect((await keyed.inject({ url: '/health' })).statusCode).toBe(200);
  });
});
