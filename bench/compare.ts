/**
 * The image comparison behind compareImages (image_diff in
 * src/engine/wasm/kernels.c) on a 4096x4096 RGBA pair, about 5% of pixels
 * changed, both already decoded:
 * - exact, against pixelmatch(a, b, null, w, h) with its default options, the usual call;
 * - at threshold 0.1, against pixelmatch with { threshold: 0.1, includeAA: true },
 *   which counts the same pixels (checked here before timing);
 * - both against the plain loop that is the kernel's oracle (test/helpers/compare-reference.ts);
 * - Buffer.equals, the floor: on the pair it stops at the first difference,
 *   so also on a byte-identical copy, where it reads every byte as the kernel does.
 * Medians of the runs, each run timing every contender in turn.
 * Usage: npx tsx bench/compare.ts [runs=7]
 */
import pixelmatch from 'pixelmatch';
import { diffImages } from '../src/engine/image-diff.js';
import { referenceImageDiff } from '../test/helpers/compare-reference.js';
import { random } from '../test/helpers/random.js';
import { median } from './stats.js';

const runs = Number(process.argv[2] ?? 7);
const W = 4096;
const H = 4096;
const next = random(42);

// A smooth picture (gradients and rings), as rendered images are, then about 5% of its pixels changed.
const a = Buffer.alloc(W * H * 4);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const i = (y * W + x) * 4;
    a[i] = (x >> 4) & 255;
    a[i + 1] = (y >> 4) & 255;
    a[i + 2] = Math.floor(127.5 + 127.5 * Math.sin(Math.hypot(x - W / 2, y - H / 2) / 40));
    a[i + 3] = 255;
  }
}
const e = Buffer.from(a);
let changed = 0;
for (let p = 0; p < W * H; p++) {
  if (next() >= 0.05) continue;
  const c = Math.floor(next() * 3);
  e[p * 4 + c] = (e[p * 4 + c]! + 1 + Math.floor(next() * 255)) & 255;
  changed++;
}
const copy = Buffer.from(a);
const diff = new Uint8Array(a.length);

const threshold = 0.1;
const contenders: Record<string, () => unknown> = {
  'exact kernel': () => diffImages(a, e),
  'exact kernel + diff picture': () => diffImages(a, e, { diff }),
  'exact, plain loop (+ diff picture)': () => referenceImageDiff(a, e, diff),
  // Its types spell the usual null output as undefined; pixelmatch treats both alike.
  'pixelmatch(a, b, null, w, h)': () => pixelmatch(a, e, undefined, W, H),
  'threshold kernel': () => diffImages(a, e, { threshold }),
  'threshold, plain loop (+ diff picture)': () => referenceImageDiff(a, e, diff, threshold),
  'pixelmatch, threshold + includeAA': () => pixelmatch(a, e, undefined, W, H, { threshold, includeAA: true }),
  'Buffer.equals, the pair': () => a.equals(e),
  'Buffer.equals, identical copy': () => a.equals(copy),
};

// The kernel's figures against the oracle's and pixelmatch's, once, so that the bench times what the tests hold.
for (const t of [undefined, threshold]) {
  const kernel = diffImages(a, e, { threshold: t });
  const reference = referenceImageDiff(a, e, new Uint8Array(a.length), t);
  const expectedCount = t === undefined ? changed : pixelmatch(a, e, undefined, W, H, { threshold: t, includeAA: true });
  if (JSON.stringify(kernel) !== JSON.stringify(reference) || kernel.counted !== expectedCount) {
    throw new Error(`kernel ${JSON.stringify(kernel)} where the oracle gives ${JSON.stringify(reference)} and ${expectedCount} are expected (threshold ${t})`);
  }
}

const samples = new Map<string, number[]>(Object.keys(contenders).map((name) => [name, []]));
for (let run = -1; run < runs; run++) {
  for (const [name, job] of Object.entries(contenders)) {
    const start = performance.now();
    job();
    const ms = performance.now() - start;
    // Run -1 warms up.
    if (run >= 0) samples.get(name)!.push(ms);
  }
}

const ms = (name: string) => median(samples.get(name)!);
console.log(`${W}x${H} RGBA, ${changed} pixels (${((changed / (W * H)) * 100).toFixed(2)}%) changed, ${runs} runs, medians:`);
for (const name of samples.keys()) console.log(`${name.padEnd(40)} ${ms(name).toFixed(1).padStart(8)} ms`);
console.log(`exact: ${(ms('pixelmatch(a, b, null, w, h)') / ms('exact kernel')).toFixed(1)}x faster than pixelmatch with its defaults`);
console.log(`threshold ${threshold}: ${(ms('pixelmatch, threshold + includeAA') / ms('threshold kernel')).toFixed(1)}x faster than pixelmatch with includeAA, same count`);
console.log(`exact kernel: ${(ms('exact kernel') / ms('Buffer.equals, identical copy')).toFixed(2)}x the Buffer.equals floor`);
