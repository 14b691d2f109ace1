/**
 * The seed job (SPEC/issue: 1024² JPEG base, 1280×960 PNG overlay, rescale 0.4,
 * bilinear, x 320, y 620, JPEG q95), timed in one process beside two baselines:
 * - floor: decode both inputs to raw and encode the base to JPEG q95 with sharp;
 * - naive: sharp resize, PNG intermediate, sharp composite, JPEG encode.
 * Prints medians and ratios. Usage: npx tsx bench/seed.ts [iterations]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { superimpose } from '../src/index.js';

const golden = (name: string) => fileURLToPath(new URL(`../golden/inputs/${name}`, import.meta.url));
const iterations = Number(process.argv[2] ?? 30);
const base = await readFile(golden('square-1024.jpg'));
const overlay = await readFile(golden('test-pattern.png'));

const jobs = {
  superimpose: () =>
    superimpose({ base_image: base, overlay_image: overlay, rescale_factor: 0.4, resize_method: 'bilinear', x_offset: 320, y_offset: 620, image_format: 'jpeg', image_quality: 95 }),
  floor: async () => {
    const [rawBase] = await Promise.all([
      sharp(base).raw().toBuffer({ resolveWithObject: true }),
      sharp(overlay).raw().toBuffer({ resolveWithObject: true }),
    ]);
    const { data, info } = rawBase;
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 95 }).toBuffer();
  },
  naive: async () => {
    const resized = await sharp(overlay).resize(512, 384, { kernel: 'linear' }).png().toBuffer();
    return sharp(base).composite([{ input: resized, left: 320, top: 620 }]).jpeg({ quality: 95 }).toBuffer();
  },
} as const;

async function time(job: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await job(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await job();
    samples.push(performance.now() - start);
  }
  return samples;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Interleave rounds so that drift in machine load hits every job alike.
const samples: Record<keyof typeof jobs, number[]> = { superimpose: [], floor: [], naive: [] };
for (let round = 0; round < 3; round++) {
  for (const name of Object.keys(jobs) as (keyof typeof jobs)[]) samples[name].push(...(await time(jobs[name])));
}
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof jobs, number>;
console.log(`seed job, ${iterations * 3} runs each, sharp concurrency ${sharp.concurrency()}, node ${process.version}`);
console.log(`superimpose  ${m.superimpose.toFixed(1)} ms (median)`);
console.log(`floor        ${m.floor.toFixed(1)} ms (decode both to raw + encode base JPEG q95)`);
console.log(`naive sharp  ${m.naive.toFixed(1)} ms (resize, PNG intermediate, composite, encode)`);
console.log(`ratio superimpose/floor ${(m.superimpose / m.floor).toFixed(2)}x, superimpose/naive ${(m.superimpose / m.naive).toFixed(2)}x`);
