import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlLoader, isRefusedAddress } from '../../src/runtime/url-fetch.js';
import { goldenBytes, stubServer } from '../helpers/http.js';
import { streamZeros } from '../helpers/net.js';

// Every upstream here is a stub on 127.0.0.1, port 0. Refused addresses are refused
// before any connection is attempted, so no traffic leaves loopback.
const png = goldenBytes('swiss.png');
let stub: Awaited<ReturnType<typeof stubServer>>;
let hits: string[] = [];

beforeAll(async () => {
  stub = await stubServer((req, res) => {
    hits.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname === '/image.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    if (url.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (url.pathname === '/big') return streamZeros(res, 200, 64 * 1024);
    if (url.pathname === '/hang') return; // never answers
    res.writeHead(404).end();
  });
});
afterAll(() => stub.close());

const port = () => new URL(stub.url).port;
const loader = (allowHosts: string[], extra: Partial<Parameters<typeof createUrlLoader>[0]> = {}) =>
  createUrlLoader({ timeoutMs: 2000, maxBytes: 1024 * 1024, allowHosts, ...extra });

describe('isRefusedAddress', () => {
  it.each([
    '127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '::', '::1', 'fc00::1', 'fd00:ec2::254', 'fe80::1', '::ffff:127.0.0.1', '::ffff:8.8.8.8', '224.0.0.1', 'not-an-ip',
  ])('refuses %s', (address) => expect(isRefusedAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111'])('allows public %s', (address) => expect(isRefusedAddress(address)).toBe(false));
});

describe('guarded URL loader', () => {
  it('fetches from a host named in the allow list', async () => {
    expect(await loader(['127.0.0.1'])(new URL(`${stub.url}/image.png`), 'overlay_image')).toEqual(png);
  });

  it.each([
    () => `http://127.0.0.1:${port()}/image.png`,
    () => `http://localhost:${port()}/image.png`,
    () => `http://[::1]:${port()}/image.png`,
    () => `http://[::ffff:127.0.0.1]:${port()}/image.png`,
    () => `http://0.0.0.0:${port()}/image.png`,
    () => `http://169.254.169.254/latest/meta-data/`,
    () => `http://10.0.0.1/image.png`,
  ])('refuses loopback, private and metadata targets before connecting (%#)', async (target) => {
    hits = [];
    const error = await loader([])(new URL(target()), 'base_image').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, field: 'base_image', message: expect.stringMatching(/private or reserved/) });
    expect(hits).toEqual([]);
  });

  it('refuses a redirect from an allowed host to a refused one', async () => {
    hits = [];
    const to = encodeURIComponent(`http://localhost:${port()}/image.png`);
    const error = await loader(['127.0.0.1'])(new URL(`${stub.url}/redirect?to=${to}`), 'mask').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, message: expect.stringMatching(/localhost.*private or reserved/) });
    expect(hits).toEqual([`/redirect?to=${to}`]);
  });

  it('follows up to 3 redirects and refuses a 4th', async () => {
    const ok = `${stub.url}/redirect?to=${encodeURIComponent('/image.png')}`;
    expect(await loader(['127.0.0.1'])(new URL(ok), 'mask')).toEqual(png);
    await expect(loader(['127.0.0.1'])(new URL(`${stub.url}/loop`), 'mask')).rejects.toMatchObject({ message: expect.stringMatching(/more than 3 redirects/) });
  });

  it('refuses a redirect to another scheme', async () => {
    const to = encodeURIComponent('file:///etc/passwd');
    await expect(loader(['127.0.0.1'])(new URL(`${stub.url}/redirect?to=${to}`), 'mask')).rejects.toMatchObject({ message: expect.stringMatching(/file:/) });
  });

  it('stops at the byte limit with a 413', async () => {
    await expect(loader(['127.0.0.1'])(new URL(`${stub.url}/big`), 'base_image')).rejects.toMatchObject({ status: 413, code: 'too_large' });
  });

  it('gives up after the whole-fetch timeout', async () => {
    const started = performance.now();
    await expect(loader(['127.0.0.1'], { timeoutMs: 300 })(new URL(`${stub.url}/hang`), 'base_image')).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/within 300 ms/),
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('names an upstream error status', async () => {
    await expect(loader(['127.0.0.1'])(new URL(`${stub.url}/missing.png`), 'base_image')).rejects.toMatchObject({ message: expect.stringMatching(/HTTP 404/) });
  });
});

describe('cancellation', () => {
  it('stops a fetch when its signal aborts, as a client that went away', async () => {
    const controller = new AbortController();
    const fetching = loader(['127.0.0.1'])(new URL(`${stub.url}/hang`), 'overlay_image', controller.signal);
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(fetching).rejects.toMatchObject({ code: 'cancelled', field: 'overlay_image' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
