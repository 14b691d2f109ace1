/**
 * HTTP load on the seed job: the built server in its own process, autocannon
 * with N connections for D seconds on loopback, repeated R times against a
 * fresh server each time; prints each run and the medians of req/s, latency
 * p50/p99, errors and the server's peak RSS.
 * Usage: npm run build && npx tsx bench/load.ts [connections=8] [seconds=20] [runs=1]
 */
import autocannon from 'autocannon';
import { seedBody } from '../test/helpers/seed-job.js';
import { startServer } from './server-process.js';
import { median } from './stats.js';

const connections = Number(process.argv[2] ?? 8);
const duration = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 1);
const body = JSON.stringify({ ...seedBody(), image_format: 'jpeg', image_quality: 95 });

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rss: number;
}

const results: Run[] = [];
console.log(`seed job over HTTP: ${connections} connections, ${duration} s, body ${(body.length / 1024).toFixed(0)} KiB, ${runs} run(s)`);
for (let run = 0; run < runs; run++) {
  const server = await startServer();
  try {
    const result = await autocannon({ url: `${server.url}/v1/superimpose`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration, timeout: 30 });
    const errors = result.errors + result.timeouts + result.non2xx;
    results.push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors, rss: server.peakRssMiB() });
    console.log(`run ${run + 1}: ${result.requests.average.toFixed(1)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${errors} errors (${result.requests.total} requests, ${result['2xx']} 2xx), peak RSS ${server.peakRssMiB().toFixed(0)} MiB`);
  } finally {
    await server.stop();
  }
}
const m = (key: keyof Run) => median(results.map((r) => r[key]));
console.log(`median: ${m('rps').toFixed(1)} req/s (target >= 60), p50 ${m('p50')} ms, p99 ${m('p99')} ms (target <= 250), ${m('errors')} errors (target 0), peak RSS ${m('rss').toFixed(0)} MiB (target <= 400)`);
