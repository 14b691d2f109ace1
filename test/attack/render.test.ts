import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { inflateBomb } from '../helpers/hostile.js';
import { goldenBase64, stubServer, testConfig } from '../helpers/http.js';
import { percentile, watchHealth } from '../helpers/probes.js';

/**
 * Renders as an attacker would use them: the heaviest renders the limits admit,
 * many of them at once, and URL inputs that never answer. The server must keep
 * answering, hold its memory to the budget, and serve normal requests.
 */
const jpeg = async (width: number, height: number) => (await sharp({ create: { width, height, channels: 3, background: '#357' } }).jpeg().toBuffer()).toString('base64');
const overlay = goldenBase64('swiss.png');

async function listening(env: Record<string, string>) {
  const app = buildApp(testConfig(env));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = (body: object) => fetch(`${url}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { app, url, post };
}

/** Samples this process's RSS every 25 ms until stopped; returns the peak growth in MiB. */
function watchRss() {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
  return () => (clearInterval(timer), (peak - start) / 2 ** 20);
}

const apps: { close: () => Promise<unknown> }[] = [];
afterAll(async () => Promise.all(apps.map((app) => app.close())));

describe('attack: heavy renders', () => {
  it('keeps /health answering while the heaviest renders run on every slot', async () => {
    const { app, url, post } = await listening({ SUPERIMPOSE_RENDER_CONCURRENCY: '2' });
    apps.push(app);
    const heavy = { base_image: await jpeg(6000, 4000), overlay_image: overlay, overlay_resize: 'Resize to width & height', width: 4000, height: 4000, resize_method: 'bilinear', image_format: 'png' };
    const stop = watchHealth(url, 20);
    const started = performance.now();
    const answers = await Promise.all([post(heavy), post(heavy), post(heavy)]);
    const rendering = performance.now() - started;
    const latencies = await stop();
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    const worst = Math.max(...latencies);
    const p95 = percentile(latencies, 95);
    console.log(`3 heavy renders took ${rendering.toFixed(0)} ms; /health answered ${latencies.length} times, p95 ${p95.toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, worst ${worst.toFixed(1)} ms`);
    expect(latencies.length).toBeGreaterThan(5);
    expect(p95).toBeLessThan(250);
    expect(worst).toBeLessThan(1000);
  });

  it('answers three 7000x7000 AVIF bases at once within the default memory budget', async () => {
    const { app, post } = await listening({});
    apps.push(app);
    const avif = (await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#468' } }).avif({ effort: 0 }).toBuffer()).toString('base64');
    const peak = watchRss();
    const started = performance.now();
    const answers = await Promise.all([1, 2, 3].map(() => post({ base_image: avif, overlay_image: overlay, image_format: 'jpeg' })));
    const took = performance.now() - started;
    const growth = peak();
    console.log(`3 concurrent 7000x7000 AVIF bases: ${answers.map((res) => res.status).join(', ')} in ${took.toFixed(0)} ms; peak RSS growth ${growth.toFixed(0)} MiB`);
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(took).toBeLessThan(30_000);
    // One at a time fits the default budget: the decoder of one such AVIF holds about 850 MiB.
    expect(growth).toBeLessThan(1000);
  });

  it('answers a PNG whose data inflates to a thousand times its header, with memory bounded', async () => {
    const { app, post } = await listening({});
    apps.push(app);
    const bomb = inflateBomb(256 * 2 ** 20).toString('base64');
    const peak = watchRss();
    const started = performance.now();
    const res = await post({ base_image: bomb, overlay_image: overlay });
    const took = performance.now() - started;
    const growth = peak();
    console.log(`inflate bomb (${(bomb.length / 1024).toFixed(0)} KiB of base64, 256 MiB inflated): ${res.status} in ${took.toFixed(0)} ms; peak RSS growth ${growth.toFixed(0)} MiB`);
    expect(res.status).toBeLessThan(500);
    expect(took).toBeLessThan(15_000);
    expect(growth).toBeLessThan(300);
  });

  it('holds concurrent large images to the memory budget, refusing none', async () => {
    const { app, post } = await listening({ SUPERIMPOSE_RENDER_CONCURRENCY: '3', SUPERIMPOSE_MEMORY_BUDGET_MB: '400' });
    apps.push(app);
    // Each needs about 220 MB by the estimate: the budget admits one at a time although three slots are free.
    const large = { base_image: await jpeg(5000, 5000), overlay_image: overlay, image_format: 'jpeg' };
    const peak = watchRss();
    const answers = await Promise.all([post(large), post(large), post(large)]);
    const growth = peak();
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    console.log(`3 concurrent 5000x5000 renders under a 400 MB budget: peak RSS growth ${growth.toFixed(0)} MiB`);
    expect(growth).toBeLessThan(600);
  });

  it('serves a normal request at once while URL inputs that never answer hold every fetch slot, and drops those fetches when their clients go', async () => {
    const hanging = await stubServer(() => {}); // never answers
    const { app, url, post } = await listening({ SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1', SUPERIMPOSE_FETCH_CONCURRENCY: '8', SUPERIMPOSE_FETCH_TIMEOUT_MS: '60000' });
    apps.push(app, hanging);
    const leaving = new AbortController();
    const stuck = Array.from({ length: 8 }, (_, i) =>
      fetch(`${url}/v1/superimpose`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ base_image: `${hanging.url}/never-${i}.jpg`, overlay_image: overlay }),
        signal: leaving.signal,
      }).catch(() => 'gone'),
    );
    const load = async () => (await (await fetch(`${url}/health`)).json()) as { fetches_active: number; renders_active: number };
    await expect.poll(async () => (await load()).fetches_active).toBe(8);
    const started = performance.now();
    const normal = await post({ base_image: goldenBase64('concert.jpg'), overlay_image: overlay });
    const waited = performance.now() - started;
    expect(normal.status).toBe(200);
    console.log(`a normal request beside 8 URL inputs that never answer: ${waited.toFixed(0)} ms`);
    expect(waited).toBeLessThan(2000);
    leaving.abort();
    expect(await Promise.all(stuck)).toEqual(Array(8).fill('gone'));
    await expect.poll(async () => (await load()).fetches_active).toBe(0);
  });
});
