/**
 * The WebAssembly kernels (src/engine/wasm/kernels.c) against the JavaScript
 * each replaced, which the tests keep as its oracle (test/helpers/*-reference.ts).
 * Each iteration runs both back to back, in alternating order, on the same
 * input; the speed-up is the median of the per-iteration ratios. Cases:
 * - step 2, area: the seed overlay (1280x960) to 512x384, as the seed job at 0.4;
 * - step 3, a 1280x960 mask: its luma, and its resize to 512x384;
 * - step 5, rotation: the scaling script's rotated 1x point (1280x960 at 30°,
 *   the 1024² of the canvas that lands on the base, from the source it needs),
 *   a 320x240 logo at 12°, and the 1280x960 overlay turned by 90°;
 * - the mockup's warp, from golden/mockup/inputs: the 1000x1000 badge (alpha)
 *   on a perspective quad over the 900x1000 t-shirt, with its print-area clip
 *   and fold map, band by band as the pipeline warps it (the design copied
 *   into the kernel's memory once a layer);
 * - the mockup's blend: that warp's samples over the t-shirt, multiply on RGB
 *   and soft-light on RGBA (alpha from the print area), band by band;
 * - the mockup's displacement blur: a 1000x1000 map (noise) at blur 2 and 3.5,
 *   its luma included on both sides.
 * Usage: npx tsx bench/kernels.ts [iterations=30]
 */
import { readFileSync } from 'node:fs';
import { decodeImage, decodeRgba } from '../src/engine/codec.js';
import { maskLuma, opaqueLuma, resizeBicubicPillow } from '../src/engine/mask.js';
import { blendInto, type BlendMode } from '../src/engine/mockup/blend.js';
import { displacementLuma } from '../src/engine/mockup/displacement.js';
import { planFit, prepareDesign, preReducedSize } from '../src/engine/mockup/fit.js';
import { areaSize, invertHomography, quadHomography, reachableBox, type Quad } from '../src/engine/mockup/geometry.js';
import { warpRect, type WarpLayer } from '../src/engine/mockup/warp.js';
import { cropRgba, rgba, type Raster, type Rect, type Rgba } from '../src/engine/raster.js';
import { RESAMPLE_PLANNERS } from '../src/engine/resample.js';
import { rotatedSize, rotateOverlay, rotationSource } from '../src/engine/rotate.js';
import { referenceArea } from '../test/helpers/area-reference.js';
import { referenceBlendInto } from '../test/helpers/blend-reference.js';
import { referenceDisplacementLuma } from '../test/helpers/gaussian-reference.js';
import { referenceNearestExact } from '../test/helpers/nearest-reference.js';
import { referenceMaskLuma, referenceResizeBicubicPillow } from '../test/helpers/mask-reference.js';
import { referenceRotate } from '../test/helpers/rotate-reference.js';
import { referenceWarpRect } from '../test/helpers/warp-reference.js';
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

/** The pipeline's bands: as many whole rows of the box as make 2^14 pixels. */
function bands(box: Rect): Rect[] {
  const rows = Math.max(1, Math.floor((1 << 14) / box.width));
  return Array.from({ length: Math.ceil(box.height / rows) }, (_, i) => ({ ...box, y: box.y + i * rows, height: Math.min(rows, box.height - i * rows) }));
}

const mockupInput = (name: string) => readFileSync(new URL(`../golden/mockup/inputs/${name}`, import.meta.url));
const limit = { maxPixels: 1e8, field: 'bench' };
const mockupBase = await decodeImage(mockupInput('tshirt-red.jpg'), limit);
const mockupLayer = await (async () => {
  const quad: Quad = [[250.5, 210.25], [690, 250], [660.75, 720], [220, 690.5]];
  const image = await decodeRgba(mockupInput('badge-warm-1000.png'), limit);
  const area = areaSize(quad);
  const plan = planFit(image, area, 'contain');
  const toBase = quadHomography(quad, area);
  const strength = [7, 7] as const;
  const layer: WarpLayer = {
    design: prepareDesign(image, plan),
    toArea: invertHomography(toBase),
    drawn: plan.drawn,
    baseWidth: mockupBase.width,
    opacity: 1,
    clip: opaqueLuma(await decodeImage(mockupInput('tshirt-red-chest-clip.png'), limit)).data,
    displacement: { luma: displacementLuma(await decodeImage(mockupInput('tshirt-red-folds-map.png'), limit), 0), strength },
  };
  const box = reachableBox(toBase, plan.drawn, preReducedSize(plan.crop, plan.drawn) ?? plan.crop, { x: strength[0], y: strength[1] }, mockupBase)!;
  return { layer, bands: bands(box) };
})();

/** A fresh copy of the layer each time, as each layer of a render is: its design is copied into the kernel's memory once. */
function warp(): [() => unknown, () => unknown] {
  const { layer, bands: rows } = mockupLayer;
  const band = new Float32Array((1 << 14) * 4);
  const run = (fn: typeof warpRect) => () => {
    const fresh = { ...layer };
    for (const rect of rows) fn(fresh, rect, band);
  };
  return [run(warpRect), run(referenceWarpRect)];
}

function blend(mode: BlendMode, channels: 3 | 4): [() => unknown, () => unknown] {
  const { layer, bands: rows } = mockupLayer;
  const samples = rows.map((rect) => referenceWarpRect(layer, rect));
  const base = (): Raster => {
    if (channels === 3) return { ...mockupBase, data: mockupBase.data.slice() };
    const data = new Uint8Array(mockupBase.width * mockupBase.height * 4);
    const alpha = mockupLayer.layer.clip!;
    for (let i = 0; i < alpha.length; i++) data.set([...mockupBase.data.subarray(i * 3, i * 3 + 3), alpha[i]!], i * 4);
    return { ...mockupBase, channels, data };
  };
  const run = (fn: typeof blendInto, target: Raster) => () => rows.forEach((rect, i) => fn(target, rect, samples[i]!, mode));
  return [run(blendInto, base()), run(referenceBlendInto, base())];
}

function gaussian(map: Raster, blur: number): [() => unknown, () => unknown] {
  return [() => displacementLuma(map, blur), () => referenceDisplacementLuma(map, blur)];
}

const seedOverlay = overlay(1280, 960);
const displacementMap: Raster = { width: 1000, height: 1000, channels: 4, data: overlay(1000, 1000).data };
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
  ['mockup warp, 1000x1000 badge on a perspective quad over a 900x1000 t-shirt, clip and fold map', warp()],
  ['mockup blend, multiply over RGB, that layer', blend('multiply', 3)],
  ['mockup blend, soft-light over RGBA, that layer', blend('soft-light', 4)],
  ['displacement blur, 1000x1000 map at blur 2', gaussian(displacementMap, 2)],
  ['displacement blur, 1000x1000 map at blur 3.5', gaussian(displacementMap, 3.5)],
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
