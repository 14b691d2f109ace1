import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { goldenBase64, goldenBytes, stubServer, testConfig } from '../helpers/http.js';

// Every upstream here is a stub on 127.0.0.1, port 0.
const opened: string[] = [];
const closed: string[] = [];
const stub = await stubServer((req, res) => {
  const path = req.url ?? '';
  opened.push(path);
  req.socket.once('close', () => closed.push(path));
  if (path === '/image.png') res.writeHead(200, { 'content-type': 'image/png' }).end(goldenBytes('swiss.png'));
  // '/hang' never answers.
});
afterAll(() => stub.close());

const body = (overlay: string) => ({ base_image: goldenBase64('concert.jpg'), overlay_image: overlay });

describe('URL inputs over HTTP', () => {
  it('renders URL images from an allowed host, and refuses loopback by default', async () => {
    const allowed = buildApp(testConfig({ SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1' }));
    const ok = await allowed.inject({ method: 'POST', url: '/v1/superimpose', payload: body(`${stub.url}/image.png`) });
    expect(ok.statusCode).toBe(200);
    await allowed.close();

    const strict = buildApp(testConfig());
    const refused = await strict.inject({ method: 'POST', url: '/v1/superimpose', payload: body(`${stub.url}/image.png`) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ error: expect.stringContaining('overlay_image') });
    await strict.close();
  });

  it('stops the URL fetch of a client that went away, and frees its render slot', async () => {
    const app = buildApp(testConfig({ SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1', SUPERIMPOSE_RENDER_CONCURRENCY: '1', SUPERIMPOSE_FETCH_TIMEOUT_MS: '60000' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const client = new AbortController();
      const leaving = fetch(`${url}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(`${stub.url}/hang`)), signal: client.signal }).catch(() => 'gone');
      await expect.poll(() => opened.includes('/hang')).toBe(true);
      client.abort();
      expect(await leaving).toBe('gone');
      // The fetch's connection to the image host closes at once, not at the 60 s timeout.
      await expect.poll(() => closed.includes('/hang'), { timeout: 2000 }).toBe(true);
      await expect.poll(async () => ((await (await fetch(`${url}/health`)).json()) as { renders_active: number }).renders_active, { timeout: 2000 }).toBe(0);
    } finally {
      await app.close();
    }
  });
});
