/**
 * The WebAssembly kernels (src/engine/wasm/kernels.c) against the JavaScript
 * each replaced, which the tests keep as its oracle (test/helpers/*-reference.ts).
 * Each iteration runs both back to back, in alternating order, on the same
 * input; the speed-up is the median of the per-iteration ratios. Cases:
 * - step 2, area: the seed overlay (1280x960) to 512x384, as the seed job at 0.4;
 * - step 3, a 1280x960 mask: its luma, and its resize to 512x384;
 * - step 5, rotation: the scaling script's rotated 1x point (1280x960 at 30°,
 *   the 1024² of the canvas that lands on the base, from the source it needs),
 *   a 320x240 logo at 12°, and the 1280x960 overlay turned by 90°.
 * Usage: npx tsx bench/kernels.ts [iterations=30]
 */
import { maskLuma, resizeBicubicPillow } from '../src/engine/mask.js';
import { cropRgba, rgba, type Rect, type Rgba } from '../src/engine/raster.js';
import { RESAMPLE_PLANNERS } from '../src/engine/resample.js';
import { rotatedSize, rotateOverlay, rotationSource } from '../src/engine/rotate.js';
import { referenceArea } from '../test/helpers/area-reference.js';
import { referenceNearestExact } from '../test/helpers/nearest-reference.js';
import { referenceMaskLuma, referenceResizeBicubicPillow } from '../test/helpers/mask-reference.js';
import { referenceRotate } from '../test/helpers/rotate-reference.js';
import { median } from './stats.js';

const iterations = Number(process.argv[2] ?? 30);

/** Deterministic noise, half of it opaque, so both alpha paths of the kernels run. */
function overlay(width: number, height: number): Rgba {
  const image = rgba(width, height);
  for (let i = 0; i < image.data.length; i++) image.data[i] = Math.imul(i + 1, 2654435761) >>> 24;
  for (let i = 3; i < image.data.length; i += 8) image.data[i] = 255;
  return image;
}

function rotation(image: Rgba, degrees: number, output: Rect = { x: 0, y: 0, ...rotatedSize(image, degrees) }): [() => unknown, () => unknown] {
  const source = rotationSource(image, degrees, output);
  const part = cropRgba(image, source);
  const region = { overlay: image, source, output };
  return [() => rotateOverlay(part, degrees, region), () => referenceRotate(part, degrees, region)];
}

function nearest(image: Rgba, width: number, height: number): [() => unknown, () => unknown] {
  const size = { width, height };
  const window = { x: 0, y: 0, ...size };
  return [() => RESAMPLE_PLANNERS['nearest-exact'](image, size)(window), () => referenceNearestExact(image, size, window)];
}

function area(image: Rgba, width: number, height: number): [() => unknown, () => unknown] {
  const size = { width, height };
  const window = { x: 0, y: 0, ...size };
  return [() => RESAMPLE_PLANNERS.area(image, size)(window), () => referenceArea(image, size, window)];
}

const seedOverlay = overlay(1280, 960);
const maskGrey = maskLuma(seedOverlay);
const maskSize = { width: 512, height: 384 };
const cases: [string, [() => unknown, () => unknown]][] = [
  ['nearest-exact, 1280x960 to 512x384', nearest(seedOverlay, 512, 384)],
  ['nearest-exact, 1280x960 to 2560x1920', nearest(seedOverlay, 2560, 1920)],
  ['area, 1280x960 to 512x384', area(seedOverlay, 512, 384)],
  ['mask luma, 1280x960', [() => maskLuma(seedOverlay), () => referenceMaskLuma(seedOverlay)]],
  ['mask resize, 1280x960 to 512x384', [() => resizeBicubicPillow(maskGrey, maskSize), () => referenceResizeBicubicPillow(maskGrey, maskSize)]],
  ['rotation, 1280x960 at 30°, 1024² of it', rotation(seedOverlay, 30, { x: 0, y: 0, width: 1024, height: 1024 })],
  ['rotation, 320x240 at 12°, whole', rotation(overlay(320, 240), 12)],
  ['rotation, 1280x960 at 90°, whole', rotation(seedOverlay, 90)],
];

console.log(`WebAssembly kernels against the JavaScript they replaced, ${iterations} paired iterations:`);
for (const [name, jobs] of cases) {
  for (const job of jobs) job(); // warm-up
  const kernel: number[] = [];
  const javascript: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const start = performance.now();
      jobs[k]!();
      (k === 0 ? kernel : javascript).push(performance.now() - start);
    }
  }
  const speedup = median(kernel.map((ms, i) => javascript[i]! / ms));
  console.log(`  ${name}: ${median(kernel).toFixed(1)} ms against ${median(javascript).toFixed(1)} ms, ${speedup.toFixed(2)}x faster`);
}
