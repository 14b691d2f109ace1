import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { goldenBase64 } from './helpers/http.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Starts src/server.ts on a free port and resolves its address once it is listening. */
function startServer(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const address = new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match) resolve(match[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited early: ${buffered}`)));
  });
  return { child, address, exited };
}

describe('npm start (src/server.ts)', () => {
  it('answers /health once ready, and on SIGTERM finishes in-flight work and exits 0', async () => {
    const server = startServer();
    const url = await server.address;
    expect((await fetch(`${url}/health`)).status).toBe(200);

    // A render that takes a while: a large overlay, rotated.
    const inFlight = fetch(`${url}/v1/superimpose`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ base_image: goldenBase64('flowers.jpeg'), overlay_image: goldenBase64('test-pattern.png'), rotation: 30, image_format: 'png' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect(await server.exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('exits 1, saying what it gave up, when accepted jobs cannot finish within the shutdown bound', async () => {
    const server = startServer({ SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS: '200', SUPERIMPOSE_JOB_CONCURRENCY: '1' });
    const url = await server.address;
    let log = '';
    server.child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const heavy = JSON.stringify({ base_image: goldenBase64('flowers.jpeg'), overlay_image: goldenBase64('test-pattern.png'), rotation: 30, rescale_factor: 2 });
    // Twelve renders, one at a time, take far longer than the 200 ms bound: at least some are given up.
    const submitted = await Promise.all(Array.from({ length: 12 }, () => fetch(`${url}/v2/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: heavy })));
    expect(submitted.map((res) => res.status)).toEqual(Array(12).fill(200));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(1);
    expect(log, log).toMatch(/"(abandoned|aborted)":[1-9].*shutdown bound reached/);
  });
});
