/**
 * The seed job (1024² JPEG base, 1280×960 PNG overlay, rescale 0.4, bilinear,
 * x 320, y 620, JPEG q95), timed in one process beside two baselines:
 * - floor: decode both inputs to raw (in parallel) and encode the output to JPEG
 *   q95 with sharp, as the target defines it. The output's pixels are computed
 *   once beforehand: encoding the composited image costs about 1 ms more than
 *   encoding the bare base, because the overlay adds detail to code;
 * - naive: sharp resize, PNG intermediate, sharp composite, JPEG encode.
 * All three encode with the project's JPEG settings (codec.ts, jpegOptions),
 * so that they write the same kind of file.
 * Every iteration times the three back to back, in an order that rotates, so
 * that the ratios compare runs made within the same few tens of milliseconds:
 * this VM's speed drifts by tens of per cent from second to second. Each round
 * takes the median per job and the median of the per-iteration ratios; the
 * figures printed are the medians over the rounds.
 * sharp is set up as the server sets it (one libvips thread per render, no
 * operation cache): the same input buffers repeat here as they never do in
 * service, and libvips' cache would otherwise serve repeated decodes.
 * Each round also prints the process's garbage collections. Now and then a
 * round falls into a state of V8's heuristics with a mark-compact every few
 * jobs, which raises its floor ratio by 0.1–0.4 (bench/RESULTS.md, "Garbage
 * collection"); the counts say which rounds did.
 * Usage: npx tsx bench/seed.ts [rounds=5] [iterations=40]
 */
import { constants, PerformanceObserver, type NodeGCPerformanceDetail } from 'node:perf_hooks';
import sharp from 'sharp';
import { configureSharpForServing } from '../src/runtime/renderer.js';
import { jpegOptions } from '../src/engine/codec.js';
import { superimpose } from '../src/index.js';
import { seedJob as loadSeedJob } from '../test/helpers/seed-job.js';
import { median } from './stats.js';

configureSharpForServing();
const rounds = Number(process.argv[2] ?? 5);
const iterations = Number(process.argv[3] ?? 40);
const seedJob = loadSeedJob();
const { base_image: base, overlay_image: overlay } = seedJob;

// The output's pixels, losslessly: what the floor encodes.
const outputPng = await superimpose({ ...seedJob, image_format: 'png' });
const output = await sharp(outputPng.data).raw().toBuffer({ resolveWithObject: true });

const jobs = {
  superimpose: () => superimpose({ ...seedJob, image_format: 'jpeg', image_quality: 95 }),
  floor: async () => {
    await Promise.all([sharp(base).raw().toBuffer(), sharp(overlay).raw().toBuffer()]);
    const { data, info } = output;
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg(jpegOptions(95)).toBuffer();
  },
  naive: async () => {
    const resized = await sharp(overlay).resize(512, 384, { kernel: 'linear' }).png().toBuffer();
    return sharp(base).composite([{ input: resized, left: 320, top: 620 }]).jpeg(jpegOptions(95)).toBuffer();
  },
} as const;

type Name = keyof typeof jobs;
const names = Object.keys(jobs) as Name[];
// The floor must encode exactly what superimpose() returns, byte for byte.
if (!(await jobs.floor()).equals((await jobs.superimpose()).data)) throw new Error('the floor does not encode the same output as superimpose()');
for (const name of names) for (let i = 0; i < 3; i++) await jobs[name](); // warm-up

/** Collections since the round began: scavenges, mark-compacts, and their pauses in ms. */
const collections = { scavenges: 0, markCompacts: 0, pauseMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // Node's gc entries carry a detail that @types/node 20 leaves off PerformanceEntry.
    const { kind } = (entry as unknown as { detail: NodeGCPerformanceDetail }).detail;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.scavenges++;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) collections.markCompacts++;
    collections.pauseMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

interface Round { readonly ms: Record<Name, number>; readonly toFloor: number; readonly toNaive: number; readonly gc: typeof collections }
async function round(): Promise<Round> {
  Object.assign(collections, { scavenges: 0, markCompacts: 0, pauseMs: 0 });
  const samples: Record<Name, number[]> = { superimpose: [], floor: [], naive: [] };
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const start = performance.now();
      await jobs[name]();
      samples[name].push(performance.now() - start);
    }
  }
  const ratio = (of: Name) => median(samples.superimpose.map((s, i) => s / samples[of][i]!));
  return {
    ms: { superimpose: median(samples.superimpose), floor: median(samples.floor), naive: median(samples.naive) },
    toFloor: ratio('floor'),
    toNaive: ratio('naive'),
    gc: { ...collections },
  };
}

const results: Round[] = [];
for (let r = 0; r < rounds; r++) results.push(await round());
const list = (xs: number[], digits = 1) => xs.map((x) => x.toFixed(digits)).join(' ');
console.log(`seed job: ${rounds} rounds x ${iterations} iterations, sharp concurrency ${sharp.concurrency()}, libvips cache off, node ${process.version}`);
for (const name of names) {
  const perRound = results.map((r) => r.ms[name]);
  console.log(`${name.padEnd(12)} ${median(perRound).toFixed(1)} ms (round medians ${list(perRound)})`);
}
const toFloor = results.map((r) => r.toFloor);
const toNaive = results.map((r) => r.toNaive);
console.log(`superimpose/floor ${median(toFloor).toFixed(2)}x (target <= 1.25; rounds ${list(toFloor, 2)})`);
console.log(`superimpose/naive ${median(toNaive).toFixed(2)}x (target <= 0.6; rounds ${list(toNaive, 2)})`);
const gc = results.map(({ gc: { scavenges, markCompacts, pauseMs } }) => `${scavenges}/${markCompacts}/${pauseMs.toFixed(0)}`).join(' ');
console.log(`collections per round, scavenges/mark-compacts/pause ms: ${gc}`);
