/**
 * HTTP load on the seed job against the same job rendered in process.
 * First the baseline: renderSuperimpose called directly in this process by N
 * concurrent callers for D seconds (the engine's capacity with no HTTP, no
 * threads). Then the built server in its own process, autocannon with N
 * connections for D seconds on loopback, while /health is asked every 100 ms;
 * repeated R times against a fresh server each time. Prints each run, the
 * medians of req/s, latency p50/p99, /health latency, errors and the server's
 * peak RSS, and HTTP's share of the in-process capacity.
 * Usage: npm run build && npx tsx bench/load.ts [connections=8] [seconds=20] [runs=1]
 */
import autocannon from 'autocannon';
import sharp from 'sharp';
import { parseSuperimposeRequest } from '../src/contract/superimpose.js';
import { renderSuperimpose } from '../src/runtime/render.js';
import { percentile, watchHealth } from '../test/helpers/probes.js';
import { seedBody, seedJob } from '../test/helpers/seed-job.js';
import { startServer } from './server-process.js';
import { median } from './stats.js';

const connections = Number(process.argv[2] ?? 8);
const duration = Number(process.argv[3] ?? 20);
const runs = Number(process.argv[4] ?? 1);
const encoding = { image_format: 'jpeg', image_quality: 95 } as const;
const body = JSON.stringify({ ...seedBody(), ...encoding });

/** Renders completed per second by `callers` concurrent loops in this process, as the server configures sharp. */
async function inProcessCapacity(callers: number, seconds: number): Promise<number> {
  sharp.concurrency(1);
  sharp.cache(false);
  const params = parseSuperimposeRequest({ ...seedJob(), ...encoding });
  for (let i = 0; i < 5; i++) await renderSuperimpose(params);
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      await renderSuperimpose(params);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: callers }, loop));
  return done / ((performance.now() - started) / 1000);
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  healthP99: number;
  healthMax: number;
  errors: number;
  rss: number;
}

const baseline = await inProcessCapacity(connections, Math.min(duration, 10));
console.log(`in process: ${baseline.toFixed(1)} renders/s with ${connections} concurrent callers`);
const results: Run[] = [];
console.log(`seed job over HTTP: ${connections} connections, ${duration} s, body ${(body.length / 1024).toFixed(0)} KiB, ${runs} run(s)`);
for (let run = 0; run < runs; run++) {
  const server = await startServer();
  try {
    const stopHealth = watchHealth(server.url, 100);
    const result = await autocannon({ url: `${server.url}/v1/superimpose`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration, timeout: 30 });
    const healthTimes = await stopHealth();
    const errors = result.errors + result.timeouts + result.non2xx;
    const r: Run = { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, healthP99: percentile(healthTimes, 99), healthMax: Math.max(...healthTimes), errors, rss: server.peakRssMiB() };
    results.push(r);
    console.log(
      `run ${run + 1}: ${r.rps.toFixed(1)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, /health p99 ${r.healthP99.toFixed(1)} ms (max ${r.healthMax.toFixed(1)}, ${healthTimes.length} asks), ${errors} errors (${result.requests.total} requests, ${result['2xx']} 2xx), peak RSS ${r.rss.toFixed(0)} MiB`,
    );
  } finally {
    await server.stop();
  }
}
const m = (key: keyof Run) => median(results.map((r) => r[key]));
console.log(
  `median: ${m('rps').toFixed(1)} req/s (target >= 80), ${(m('rps') / baseline).toFixed(2)}x the in-process capacity (aim >= 0.8), p50 ${m('p50')} ms, p99 ${m('p99')} ms (target <= 200), /health p99 ${m('healthP99').toFixed(1)} ms, ${m('errors')} errors (target 0), peak RSS ${m('rss').toFixed(0)} MiB`,
);
