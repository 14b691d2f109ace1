/**
 * HTTP load on the seed job: the built server in its own process, autocannon
 * with N connections for D seconds on loopback, then req/s, latency p50/p99,
 * errors and the server's peak RSS.
 * Usage: npm run build && npx tsx bench/load.ts [connections=8] [seconds=20]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startServer } from './server-process.js';

const connections = Number(process.argv[2] ?? 8);
const duration = Number(process.argv[3] ?? 20);
const input = (name: string) => readFileSync(fileURLToPath(new URL(`../golden/inputs/${name}`, import.meta.url))).toString('base64');
const body = JSON.stringify({
  base_image: input('square-1024.jpg'),
  overlay_image: input('test-pattern.png'),
  rescale_factor: 0.4,
  resize_method: 'bilinear',
  x_offset: 320,
  y_offset: 620,
  image_format: 'jpeg',
  image_quality: 95,
});

const server = await startServer({ LOG_LEVEL: 'warn' });
try {
  const result = await autocannon({
    url: `${server.url}/v1/superimpose`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration,
    timeout: 30,
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  console.log(`seed job over HTTP: ${connections} connections, ${duration} s, body ${(body.length / 1024).toFixed(0)} KiB`);
  console.log(`requests    ${result.requests.total} (${result['2xx']} 2xx)`);
  console.log(`req/s       ${result.requests.average.toFixed(1)} (mean)`);
  console.log(`latency     p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
  console.log(`errors      ${errors} (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
  console.log(`server RSS  peak ${server.peakRssMiB().toFixed(0)} MiB`);
} finally {
  await server.stop();
}
