/**
 * How time scales, in one process:
 * - with output size: 256², 1024² and 4096² JPEG bases, the same 1280x960 overlay at 0.4;
 * - with overlay scale: a 1024² base, the overlay at 0.25x to 4x from (0, 0), unrotated and
 *   rotated, so most of a large overlay falls outside: only its visible part should cost anything.
 * Usage: npx tsx bench/scaling.ts [iterations=10]
 */
import sharp from 'sharp';
import { configureSharpForServing } from '../src/runtime/renderer.js';
import { superimpose } from '../src/index.js';
import { goldenBytes } from '../test/helpers/http.js';
import { medianTime } from './stats.js';

// As the server runs sharp: the same inputs repeat here as they never do in
// service, and libvips' operation cache would otherwise serve repeated decodes.
configureSharpForServing();
const iterations = Number(process.argv[2] ?? 10);
const overlay = goldenBytes('test-pattern.png');
const photo = goldenBytes('flowers.jpeg');

// Warm the process (JIT, WebAssembly tier-up, heap growth) before the first timing.
const warmBase = await sharp(photo).resize(512, 512, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
for (let i = 0; i < 20; i++) await superimpose({ base_image: warmBase, overlay_image: overlay, rescale_factor: 0.4, resize_method: 'bilinear' });

console.log(`output size (overlay 1280x960 at 0.4, bilinear, JPEG q95), median of ${iterations}:`);
const points: [number, number][] = [];
for (const side of [256, 1024, 4096]) {
  const base = await sharp(photo).resize(side, side, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
  const ms = await medianTime(() => superimpose({ base_image: base, overlay_image: overlay, rescale_factor: 0.4, resize_method: 'bilinear', x_offset: side / 8, y_offset: side / 8 }), iterations);
  points.push([(side * side) / 1e6, ms]);
  console.log(`  ${side}x${side} (${((side * side) / 1e6).toFixed(2)} MP): ${ms.toFixed(1)} ms`);
}
// Linear in pixels means a fixed part (the overlay's decode and resample) plus a constant cost per base megapixel.
const slope = (a: [number, number], b: [number, number]) => (b[1] - a[1]) / (b[0] - a[0]);
console.log(`  cost per extra base megapixel: ${slope(points[0]!, points[1]!).toFixed(1)} ms from 256² to 1024², ${slope(points[1]!, points[2]!).toFixed(1)} ms from 1024² to 4096²`);

console.log(`overlay scale on a 1024² base, bilinear, from (0, 0), median of ${iterations}:`);
const base = await sharp(photo).resize(1024, 1024, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
// Rotated, 4x would pass SUPERIMPOSE_MAX_OVERLAY_PIXELS once turned (37 MP): 3x is the largest allowed.
for (const [rotation, factors] of [[0, [0.25, 0.5, 1, 2, 4]], [30, [0.25, 0.5, 1, 2, 3]]] as const) {
  for (const factor of factors) {
    const ms = await medianTime(() => superimpose({ base_image: base, overlay_image: overlay, rescale_factor: factor, resize_method: 'bilinear', rotation }), iterations);
    const w = Math.trunc(1280 * factor);
    const h = Math.trunc(960 * factor);
    console.log(`  x${factor}${rotation ? `, rotated ${rotation}°` : ''}: overlay ${w}x${h} (${((w * h) / 1e6).toFixed(1)} MP): ${ms.toFixed(1)} ms`);
  }
}
