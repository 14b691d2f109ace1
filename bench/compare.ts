/**
 * The exact image comparison (exact_diff in src/engine/wasm/kernels.c, which
 * compareImages uses at threshold 0) on a 4096x4096 RGBA pair, about 5% of
 * pixels changed, both already decoded, against:
 * - the JavaScript loop it replaced (test/helpers/compare-reference.ts);
 * - pixelmatch(a, b, null, w, h) with its default options, the usual call;
 * - Buffer.equals, the floor: on the pair it stops at the first difference,
 *   so also on a byte-identical copy, where it reads every byte as the kernel does.
 * Medians of the runs, each run timing every contender in turn.
 * Usage: npx tsx bench/compare.ts [runs=7]
 */
import pixelmatch from 'pixelmatch';
import { exactDiff } from '../src/engine/exact-diff.js';
import { referenceExactDiff } from '../test/helpers/compare-reference.js';
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

const contenders: Record<string, () => unknown> = {
  'exact kernel': () => exactDiff(a, e),
  'exact kernel + diff picture': () => exactDiff(a, e, diff),
  'former JS loop (+ diff picture)': () => referenceExactDiff(a, e, diff),
  // Its types spell the usual null output as undefined; pixelmatch treats both alike.
  'pixelmatch(a, b, null, w, h)': () => pixelmatch(a, e, undefined, W, H),
  'Buffer.equals, the pair': () => a.equals(e),
  'Buffer.equals, identical copy': () => a.equals(copy),
};

// The kernel's figures against the reference's, once, so that the bench times what the tests hold.
const kernel = exactDiff(a, e, diff);
const reference = referenceExactDiff(a, e, new Uint8Array(a.length));
if (kernel.differing !== reference.differing || kernel.sum !== reference.sum || kernel.max !== reference.max || kernel.differing !== changed) {
  throw new Error(`kernel ${JSON.stringify(kernel)} where the reference gives ${JSON.stringify(reference)} (${changed} changed)`);
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

const kernelMs = median(samples.get('exact kernel')!);
console.log(`${W}x${H} RGBA, ${changed} pixels (${((changed / (W * H)) * 100).toFixed(2)}%) changed, ${runs} runs, medians:`);
for (const [name, times] of samples) {
  const ms = median(times);
  console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms   ${(ms / kernelMs).toFixed(2).padStart(7)}x the exact kernel`);
}
