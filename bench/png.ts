/**
 * The PNG decoder (src/engine/png.ts) against codec.ts's libvips path, each
 * decoding to RGBA as an overlay is decoded, on:
 * - the seed overlay: golden/inputs/test-pattern.png, 1280x960 RGBA, flat art;
 * - a photograph: golden/inputs/Landscape_2.jpg as an RGB PNG that sharp
 *   writes with adaptive filtering, so that every filter type occurs.
 * Each iteration decodes with both, in alternating order; each round prints
 * the medians and the median of the per-iteration ratios.
 * sharp is set up as the server sets it (one libvips thread, no cache).
 * Usage: npx tsx bench/png.ts [rounds=5] [iterations=40]
 */
import sharp from 'sharp';
import { decodeWithLibvips } from '../src/engine/codec.js';
import { configureSharpForServing } from '../src/runtime/renderer.js';
import { DEFAULT_PIXEL_LIMITS } from '../src/runtime/limits.js';
import { decodePng } from '../src/engine/png.js';
import { goldenBytes } from '../test/helpers/http.js';
import { median } from './stats.js';

configureSharpForServing();
const rounds = Number(process.argv[2] ?? 5);
const iterations = Number(process.argv[3] ?? 40);

const inputs = {
  'seed overlay': goldenBytes('test-pattern.png'),
  photograph: await sharp(goldenBytes('Landscape_2.jpg')).png({ adaptiveFiltering: true }).toBuffer(),
};

const { maxInputPixels: maxPixels } = DEFAULT_PIXEL_LIMITS;
const ours = async (png: Buffer) => {
  if (!(await decodePng(png, true, maxPixels))) throw new Error('the fast path declined the input');
};
const libvips = (png: Buffer) => decodeWithLibvips(png, { field: 'overlay_image', maxPixels }, true);

for (const [name, png] of Object.entries(inputs)) {
  const { width, height } = await sharp(png).metadata();
  for (let i = 0; i < 3; i++) await Promise.all([ours(png), libvips(png)]); // warm-up
  const perRound: { ours: number; libvips: number; ratio: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    const samples = { ours: [] as number[], libvips: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      for (const which of i % 2 === 0 ? (['ours', 'libvips'] as const) : (['libvips', 'ours'] as const)) {
        const start = performance.now();
        await (which === 'ours' ? ours(png) : libvips(png));
        samples[which].push(performance.now() - start);
      }
    }
    perRound.push({ ours: median(samples.ours), libvips: median(samples.libvips), ratio: median(samples.ours.map((t, i) => t / samples.libvips[i]!)) });
  }
  const list = (key: 'ours' | 'libvips' | 'ratio') => perRound.map((r) => r[key].toFixed(2)).join(' ');
  console.log(`${name} (${width}x${height}, ${(png.length / 1024).toFixed(0)} KiB): ours ${median(perRound.map((r) => r.ours)).toFixed(2)} ms, libvips ${median(perRound.map((r) => r.libvips)).toFixed(2)} ms, ratio ${median(perRound.map((r) => r.ratio)).toFixed(2)}x (rounds: ours ${list('ours')}; libvips ${list('libvips')}; ratio ${list('ratio')})`);
}
