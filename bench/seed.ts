/**
 * The seed job (1024² JPEG base, 1280×960 PNG overlay, rescale 0.4, bilinear,
 * x 320, y 620, JPEG q95), timed in one process beside two baselines:
 * - floor: decode both inputs to raw (in parallel) and encode the base to JPEG q95 with sharp;
 * - naive: sharp resize, PNG intermediate, sharp composite, JPEG encode.
 * Rounds interleave the three so that drift in machine load hits each alike;
 * prints the median of the per-round medians and the ratios.
 * Usage: npx tsx bench/seed.ts [rounds=5] [iterations=20]
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { superimpose } from '../src/index.js';
import { median, medianTime } from './stats.js';

const golden = (name: string) => fileURLToPath(new URL(`../golden/inputs/${name}`, import.meta.url));
const rounds = Number(process.argv[2] ?? 5);
const iterations = Number(process.argv[3] ?? 20);
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

type Name = keyof typeof jobs;
const perRound: Record<Name, number[]> = { superimpose: [], floor: [], naive: [] };
for (let round = 0; round < rounds; round++) {
  for (const name of Object.keys(jobs) as Name[]) perRound[name].push(await medianTime(jobs[name], iterations));
}
const m = { superimpose: median(perRound.superimpose), floor: median(perRound.floor), naive: median(perRound.naive) };
const list = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
console.log(`seed job: ${rounds} rounds x ${iterations} runs, sharp concurrency ${sharp.concurrency()}, node ${process.version}`);
console.log(`superimpose  ${m.superimpose.toFixed(1)} ms (round medians ${list(perRound.superimpose)})`);
console.log(`floor        ${m.floor.toFixed(1)} ms (round medians ${list(perRound.floor)})`);
console.log(`naive sharp  ${m.naive.toFixed(1)} ms (round medians ${list(perRound.naive)})`);
const ratios = (of: Name) => perRound.superimpose.map((s, i) => s / perRound[of][i]!);
console.log(`superimpose/floor ${median(ratios('floor')).toFixed(2)}x (target <= 1.25), superimpose/naive ${median(ratios('naive')).toFixed(2)}x (target <= 0.6)`);
