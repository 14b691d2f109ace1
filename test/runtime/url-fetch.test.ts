import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlLoader, isRefusedAddress } from '../../src/runtime/url-fetch.js';
import { goldenBytes, stubServer } from '../helpers/http.js';
import { freePort, streamZeros } from '../helpers/net.js';

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
  // IANA's IPv4 and IPv6 special-purpose address registries: each range that is not globally
  // reachable, by its first and last address, plus multicast; written out here, apart from the source.
  it.each([
    ['this network', '0.0.0.0', '0.255.255.255'],
    ['private 10/8', '10.0.0.0', '10.255.255.255'],
    ['shared address space', '100.64.0.0', '100.127.255.255'],
    ['loopback', '127.0.0.0', '127.255.255.255'],
    ['link-local (cloud metadata)', '169.254.0.0', '169.254.255.255'],
    ['private 172.16/12', '172.16.0.0', '172.31.255.255'],
    ['IETF protocol assignments', '192.0.0.0', '192.0.0.255'],
    ['TEST-NET-1', '192.0.2.0', '192.0.2.255'],
    ['6to4 relay anycast', '192.88.99.0', '192.88.99.255'],
    ['private 192.168/16', '192.168.0.0', '192.168.255.255'],
    ['benchmarking', '198.18.0.0', '198.19.255.255'],
    ['TEST-NET-2', '198.51.100.0', '198.51.100.255'],
    ['TEST-NET-3', '203.0.113.0', '203.0.113.255'],
    ['multicast', '224.0.0.0', '239.255.255.255'],
    ['reserved and broadcast', '240.0.0.0', '255.255.255.255'],
    ['unspecified', '::', '::'],
    ['loopback', '::1', '::1'],
    ['IPv4-compatible', '::7f00:1', '::ffff:ffff'],
    ['IPv4-mapped', '::ffff:0.0.0.0', '::ffff:255.255.255.255'],
    ['IPv4/IPv6 translation', '64:ff9b::', '64:ff9b::ffff:ffff'],
    ['local-use translation', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'],
    ['discard-only', '100::', '100::ffff:ffff:ffff:ffff'],
    ['dummy prefix', '100:0:0:1::', '100::1:ffff:ffff:ffff:ffff'],
    ['IETF protocol assignments', '2001::', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['Teredo', '2001::1', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['benchmarking', '2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff'],
    ['ORCHIDv2', '2001:20::', '2001:2f:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['documentation', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['6to4', '2002::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['documentation', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['segment routing', '5f00::', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['unique local (metadata fd00:ec2::254)', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['link-local', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['site-local', 'fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    ['multicast', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ])('refuses %s, %s to %s', (_name, first, last) => {
    expect(isRefusedAddress(first)).toBe(true);
    expect(isRefusedAddress(last)).toBe(true);
  });

  it('refuses what is not an address', () => expect(isRefusedAddress('not-an-ip')).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.0.1.1', '100.128.0.1', '2606:4700:4700::1111', '2001:200::1', '2a00:1450:4001::200e', '2003::1'])(
    'allows public %s',
    (address) => expect(isRefusedAddress(address)).toBe(false),
  );
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

describe('failures the client is told of', () => {
  it('names a refused connection in plain words, without system codes or addresses', async () => {
    const closedPort = await freePort();
    const failure = await loader(['127.0.0.1'])(new URL(`http://127.0.0.1:${closedPort}/x.png`), 'overlay_image').catch((error: Error) => error);
    expect(failure).toMatchObject({ code: 'unreadable_input', message: 'Could not fetch the overlay_image URL: connection refused' });
    expect((failure as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
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
