/**
 * Does a second thread of this process really run beside the main thread's
 * compose()? The seed job's middle (resample and blend, about 1.8 ms) is what
 * a two-core split would shorten, so this measures the premise.
 *
 * Each iteration decodes the seed inputs, composes and encodes, as a render
 * does; every other one, a helper thread is woken just before compose() to
 * run `burn` ms of plain JavaScript on its own data. Every iteration
 * composes, so that garbage collection, which sharp's decoded buffers
 * trigger at compose()'s first allocations, falls alike on both kinds. It
 * prints compose()'s median time alone and overlapped. On a machine whose two
 * cores are independent, the two are equal. With `--pin` (Linux, needs
 * taskset) the main thread is pinned to CPU 0 and the helper to CPU 1, which
 * rules out the two sharing a core.
 * Usage: npx tsx bench/thread-overlap.ts [iterations=300] [burn=1] [--pin]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { configureSharpForServing } from '../src/http/render.js';
import { decodeImage, decodeRgba, encodeImage } from '../src/engine/codec.js';
import { compose } from '../src/engine/compose.js';
import { DEFAULT_PIXEL_LIMITS } from '../src/engine/limits.js';
import { toComposeOptions } from '../src/superimpose.js';
import { parseSuperimposeRequest } from '../src/contract/superimpose.js';
import { seedJob } from '../test/helpers/seed-job.js';
import { median } from './stats.js';

const args = process.argv.slice(2).filter((a) => a !== '--pin');
const pin = process.argv.includes('--pin');
const iterations = Number(args[0] ?? 300);
const burnMs = Number(args[1] ?? 1);

configureSharpForServing();
const job = seedJob();
const { base_image: base, overlay_image: overlay } = job;
const params = parseSuperimposeRequest(job);
const decodeOptions = { field: 'bench', maxPixels: DEFAULT_PIXEL_LIMITS.maxInputPixels };

// The helper: spins for its first 300 ms (so that its thread can be found by
// CPU time), then, each time it is woken, loops for `burnMs`.
const shared = new SharedArrayBuffer(16);
const signal = new Int32Array(shared, 0, 2);
const helperSource = `
  const { workerData } = require('node:worker_threads');
  const signal = new Int32Array(workerData.shared, 0, 2);
  const result = new Float64Array(workerData.shared, 8, 1);
  const data = new Float64Array(256);
  let sum = 0;
  for (const start = performance.now(); performance.now() - start < 300; ) sum += data[0];
  for (;;) {
    Atomics.wait(signal, 0, 0);
    for (const start = performance.now(); performance.now() - start < workerData.burnMs; ) {
      for (let i = 0; i < 256; i++) sum += data[i] * 1.0001;
    }
    result[0] = sum; // keeps the loop's work observable
    Atomics.store(signal, 0, 0);
    Atomics.store(signal, 1, 1);
    Atomics.notify(signal, 1);
  }`;
const helper = new Worker(helperSource, { eval: true, workerData: { shared, burnMs } });
helper.unref();

/** CPU ticks per thread of this process, from /proc. */
function threadTicks(): Map<string, number> {
  return new Map(readdirSync('/proc/self/task').map((tid) => {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return [tid, Number(fields[11]) + Number(fields[12])];
  }));
}
await sleep(100);
if (pin) {
  const before = threadTicks();
  await sleep(150);
  const after = threadTicks();
  const busiest = [...after].filter(([tid]) => tid !== String(process.pid)).sort((a, b) => b[1] - (before.get(b[0]) ?? 0) - (a[1] - (before.get(a[0]) ?? 0)))[0]![0];
  execFileSync('taskset', ['-p', '-c', '1', busiest], { stdio: 'ignore' });
  execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
}
await sleep(300);

const wakeHelper = () => {
  Atomics.store(signal, 1, 0);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
};
const samples = { alone: [] as number[], overlapped: [] as number[] };
for (let i = 0; i < iterations; i++) {
  const [decodedBase, decodedOverlay] = await Promise.all([decodeImage(base, decodeOptions), decodeRgba(overlay, decodeOptions)]);
  const overlapped = i % 2 === 1;
  if (overlapped) wakeHelper();
  const start = performance.now();
  compose({ base: decodedBase, overlay: decodedOverlay }, toComposeOptions(params), DEFAULT_PIXEL_LIMITS);
  (overlapped ? samples.overlapped : samples.alone).push(performance.now() - start);
  if (overlapped) Atomics.wait(signal, 1, 0);
  // As in a render: the encode follows, and the next decodes start from its state.
  await encodeImage(decodedBase, { format: 'jpeg', quality: 95 });
}
const warm = (xs: number[]) => xs.slice(5);
console.log(`thread overlap: ${iterations} iterations, helper burns ${burnMs} ms, ${pin ? 'main pinned to CPU 0, helper to CPU 1' : 'threads not pinned'}`);
console.log(`compose() alone ${median(warm(samples.alone)).toFixed(2)} ms, overlapped ${median(warm(samples.overlapped)).toFixed(2)} ms`);
