/**
 * Batch mockups: the same jobs rendered as independent calls (each decoding
 * its inputs) and through one DecodedImageCache (shared inputs decoded once,
 * as `superimpose batch` does), in one process, two jobs in flight as the
 * batch command runs on this 2-core machine.
 *   one base, N logos  and  N bases, one logo.
 * Sequential single calls hide much of the saving: base and overlay already
 * decode in parallel there, so the figure that counts is per-item time with
 * both cores busy.
 * Usage: npx tsx bench/batch.ts [N=100] [CONCURRENCY=2]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { superimpose, type SuperimposeRequest } from '../src/index.js';
import { DecodedImageCache } from '../src/runtime/decoded-cache.js';
import { goldenPath as golden } from '../test/helpers/http.js';
import { median } from './stats.js';

const n = Number(process.argv[2] ?? 100);
const concurrency = Number(process.argv[3] ?? 2);
const dir = await mkdtemp(join(tmpdir(), 'superimpose-bench-'));

// N distinct logos (hue-shifted test patterns) and N distinct bases (tinted flowers photos), written as files.
const logos: string[] = [];
const bases: string[] = [];
for (let i = 0; i < n; i++) {
  logos.push(join(dir, `logo-${i}.png`));
  await writeFile(logos[i]!, await sharp(golden('test-pattern.png')).modulate({ hue: (i * 37) % 360 }).png().toBuffer());
  bases.push(join(dir, `base-${i}.jpg`));
  await writeFile(bases[i]!, await sharp(golden('flowers.jpeg')).modulate({ brightness: 0.8 + (i % 5) * 0.05 }).jpeg({ quality: 90 }).toBuffer());
}
const job = (base: string, logo: string): SuperimposeRequest => ({ base_image: base, overlay_image: logo, rescale_factor: 0.4, resize_method: 'bilinear', x_offset: 700, y_offset: 400 });
const scenarios = {
  'one base, N logos': logos.map((logo) => job(golden('flowers.jpeg'), logo)),
  'N bases, one logo': bases.map((base) => job(base, golden('test-pattern.png'))),
};

/** Per-item time of a whole run: `inFlight` jobs at a time, optionally sharing decoded inputs. */
async function perItem(jobs: SuperimposeRequest[], inFlight: number, cache?: DecodedImageCache): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await superimpose(jobs[next++]!, cache ? { cache } : {});
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return (performance.now() - start) / jobs.length;
}

console.log(`${n} jobs per scenario, median of 5 rounds, sharp concurrency ${sharp.concurrency()}`);
for (const [name, jobs] of Object.entries(scenarios)) {
  await perItem(jobs.slice(0, 3), 1); // warm-up
  const single: number[] = [];
  const independent: number[] = [];
  const batched: number[] = [];
  for (let round = 0; round < 5; round++) {
    single.push(await perItem(jobs, 1));
    independent.push(await perItem(jobs, concurrency));
    const cache = new DecodedImageCache();
    cache.plan(jobs);
    batched.push(await perItem(jobs, concurrency, cache));
  }
  const [s, i, b] = [median(single), median(independent), median(batched)];
  console.log(`${name}:`);
  console.log(`  single call, one at a time     ${s.toFixed(1)} ms`);
  console.log(`  ${concurrency} in flight, no sharing       ${i.toFixed(1)} ms/item`);
  console.log(`  batch (${concurrency} in flight, decode once) ${b.toFixed(1)} ms/item: ${(s / b).toFixed(2)}x faster per item than single calls, ${(i / b).toFixed(2)}x from sharing alone`);
}
