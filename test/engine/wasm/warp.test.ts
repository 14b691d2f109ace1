import { describe } from 'vitest';
import { blendInto, type BlendMode } from '../../../src/engine/mockup/blend.js';
import { FITS, planFit, prepareDesign, preReducedSize, type Fit } from '../../../src/engine/mockup/fit.js';
import { areaSize, boxQuad, invertHomography, quadHomography, reachableBox, type Quad } from '../../../src/engine/mockup/geometry.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';
import { sampleBilinear, warpRect, type WarpLayer } from '../../../src/engine/mockup/warp.js';
import { maskLuma } from '../../../src/engine/mask.js';
import { wholeOf, type Raster, type Rect, type Rgba, type Size } from '../../../src/engine/raster.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { referenceBlendInto } from '../../helpers/blend-reference.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { alphaKindFor, random, randomBlocks, randomOverlay, randomWindow } from '../../helpers/random.js';
import { referenceSampleBilinear, referenceWarpRect } from '../../helpers/warp-reference.js';

/** A Float32Array's bits, so that the comparison is exact to the bit (−0, NaN payloads). */
const bits = (floats: Float32Array): Uint8Array => new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);

const between = (next: () => number, min: number, max: number): number => min + next() * (max - min);

/**
 * A random strictly convex quad about `base`: corners round an ellipse at
 * random angles and radii, often partly outside the base, either way round;
 * or a parallelogram (an affine map), or a turned box.
 */
function randomQuad(next: () => number, base: Size, round: number): Quad {
  const size = Math.max(base.width, base.height);
  if (round % 5 === 1) {
    const [x, y] = [between(next, -0.3, 0.9) * base.width, between(next, -0.3, 0.9) * base.height];
    const [ax, ay, bx, by] = [between(next, -1, 1) * size, between(next, -1, 1) * size, between(next, -1, 1) * size, between(next, -1, 1) * size];
    const quad: Quad = [[x, y], [x + ax, y + ay], [x + ax + bx, y + ay + by], [x + bx, y + by]];
    return isStrictlyConvex(quad) ? quad : randomQuad(next, base, round + 1);
  }
  if (round % 5 === 2) {
    const whole = next() < 0.5;
    const at = (v: number) => (whole ? Math.round(v) : v);
    return boxQuad({ x: at(between(next, -0.2, 0.8) * base.width), y: at(between(next, -0.2, 0.8) * base.height), width: at(between(next, 1, size)) || 1, height: at(between(next, 1, size)) || 1, rotation: whole ? 90 * Math.floor(next() * 4) : next() * 360 });
  }
  for (;;) {
    const cx = between(next, -0.2, 1.2) * base.width;
    const cy = between(next, -0.2, 1.2) * base.height;
    const radius = between(next, 0.5, 1.2) * size;
    const gaps = [0, 1, 2, 3].map(() => between(next, 0.2, 1));
    const total = gaps.reduce((a, b) => a + b, 0);
    let angle = next() * 2 * Math.PI;
    const corners = gaps.map((gap) => {
      angle += (gap / total) * 2 * Math.PI;
      // Strong perspective: one radius may be far shorter than the others.
      const r = radius * (next() < 0.25 ? between(next, 0.05, 0.4) : between(next, 0.6, 1.2));
      return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)] as const;
    });
    const quad: Quad = next() < 0.5 ? [corners[0]!, corners[1]!, corners[2]!, corners[3]!] : [corners[3]!, corners[2]!, corners[1]!, corners[0]!];
    if (isStrictlyConvex(quad)) return quad;
  }
}

interface LayerChoices {
  readonly image: Rgba;
  readonly quad: Quad;
  readonly fit: Fit;
  readonly base: Size;
  readonly opacity: number;
  readonly clip?: Uint8Array | undefined;
  readonly luma?: Uint8Array | undefined;
  readonly strength?: readonly [number, number] | undefined;
}

/** The layer as the pipeline prepares it, and the box it warps. */
function prepare(choices: LayerChoices): { layer: WarpLayer; box: Rect | undefined } {
  const { image, quad, fit, base, opacity, clip, luma, strength } = choices;
  const area = areaSize(quad);
  const plan = planFit(image, area, fit);
  const toBase = quadHomography(quad, area);
  const layer: WarpLayer = {
    design: prepareDesign(image, plan),
    toArea: invertHomography(toBase),
    drawn: plan.drawn,
    baseWidth: base.width,
    opacity,
    clip,
    displacement: luma && strength ? { luma, strength } : undefined,
  };
  const [sx, sy] = strength ?? [0, 0];
  const box = reachableBox(toBase, plan.drawn, preReducedSize(plan.crop, plan.drawn) ?? plan.crop, { x: Math.abs(sx), y: Math.abs(sy) }, base);
  return { layer, box };
}

const bytesOf = (next: () => number, length: number, kind: number): Uint8Array =>
  Uint8Array.from({ length }, () => (kind === 0 ? Math.floor(next() * 256) : kind === 1 ? (next() < 0.5 ? 0 : 255) : 128 + Math.floor(next() * 3) - 1));

/** Where to warp: all of the base, the reachable box, a random window, or a band along one of the base's edges. */
function randomRect(next: () => number, base: Size, box: Rect | undefined, round: number): Rect {
  const band = 1 + Math.floor(next() * Math.min(8, base.height));
  const column = 1 + Math.floor(next() * Math.min(8, base.width));
  switch (round % 7) {
    case 0: return wholeOf(base);
    case 1: return box ?? wholeOf(base);
    case 2: return { x: 0, y: 0, width: base.width, height: band };
    case 3: return { x: 0, y: base.height - band, width: base.width, height: band };
    case 4: return { x: 0, y: 0, width: column, height: base.height };
    case 5: return { x: base.width - column, y: 0, width: column, height: base.height };
    default: return randomWindow(next, base);
  }
}

function warp(label: CaseLabel, layer: WarpLayer, rect: Rect): KernelCase {
  return { label, kernel: () => bits(warpRect(layer, rect)), reference: () => bits(referenceWarpRect(layer, rect)) };
}

function randomLayerCase(next: () => number, round: number): KernelCase {
  const alphaKind = alphaKindFor(round);
  const base = { width: 1 + Math.floor(next() * 70), height: 1 + Math.floor(next() * 60) };
  const [w, h] = [1 + Math.floor(next() * (round % 4 === 0 ? 3 : 50)), 1 + Math.floor(next() * (round % 4 === 0 ? 3 : 50))];
  const image = round % 3 === 2 ? randomBlocks(next, w, h, alphaKind, 6, 20) : randomOverlay(next, w, h, alphaKind);
  const quad = randomQuad(next, base, round);
  const fit = FITS[round % FITS.length]!;
  const pixels = base.width * base.height;
  const opacity = [1, 0.5, next(), Math.fround(1 / 255), 0][round % 5]!;
  const clip = round % 3 === 0 ? undefined : bytesOf(next, pixels, round % 2);
  const displaced = round % 4 !== 1;
  const luma = displaced ? bytesOf(next, pixels, round % 3) : undefined;
  const strength = displaced ? ([between(next, -20, 20), round % 8 === 0 ? 0 : between(next, -20, 20)] as const) : undefined;
  const { layer, box } = prepare({ image, quad, fit, base, opacity, clip, luma, strength });
  const rect = randomRect(next, base, box, round);
  return warp({ alphaKind, base: [base.width, base.height], design: [w, h], quad, fit, opacity, clip: !!clip, strength, rect }, layer, rect);
}

/**
 * The pipeline's use: a layer warped band by band, each band blended into
 * the base before the next is warped, and `between` run between bands (another
 * pass on the shared area, which then holds the layer no more). Gives the
 * bands' floats, then the base.
 */
function bandByBand(layer: WarpLayer, box: Rect, base: Raster, mode: BlendMode, bandRows: number, kernels: boolean, between: (band: number) => void): Uint8Array {
  const painted = { ...base, data: base.data.slice() };
  const bands: Uint8Array[] = [];
  for (let top = 0, band = 0; top < box.height; top += bandRows, band++) {
    const rows = { x: box.x, y: box.y + top, width: box.width, height: Math.min(bandRows, box.height - top) };
    const floats = (kernels ? warpRect : referenceWarpRect)(layer, rows);
    (kernels ? blendInto : referenceBlendInto)(painted, rows, floats, mode);
    bands.push(bits(floats).slice());
    if (kernels) between(band);
  }
  const all = new Uint8Array(bands.reduce((n, b) => n + b.length, 0) + painted.data.length);
  let at = 0;
  for (const b of [...bands, painted.data]) {
    all.set(b, at);
    at += b.length;
  }
  return all;
}

const SPECIAL_POINTS = [0, -0, 0.5, -0.5, -1, -1 + 2 ** -40, 1, 2.25, Number.NaN, Infinity, -Infinity, 1e300, -1e300];

describe('mockup warp WebAssembly kernel', () => {
  itMatchesReference([
    {
      name: 'samples one point as the reference does, inside, on and past the design’s edges and at non-finite points',
      cases: () =>
        randomCases(7, 400, (next, round) => {
          const alphaKind = alphaKindFor(round);
          const design = randomOverlay(next, 1 + Math.floor(next() * 6), 1 + Math.floor(next() * 6), alphaKind);
          const coordinate = (size: number) => (round % 3 === 0 ? SPECIAL_POINTS[Math.floor(next() * SPECIAL_POINTS.length)]! + (next() < 0.5 ? size - 1 : 0) : between(next, -1.5, size + 0.5));
          const sx = coordinate(design.width);
          const sy = coordinate(design.height);
          const coverage = [1, next(), 0, -0.5, Number.NaN, 1e-300][round % 6]!;
          const sample = (fn: typeof sampleBilinear) => () => {
            const out = new Float32Array(6).fill(9);
            fn(design, sx, sy, coverage, out, 1);
            return bits(out);
          };
          return { label: { alphaKind, size: [design.width, design.height], sx, sy, coverage }, kernel: sample(sampleBilinear), reference: sample(referenceSampleBilinear) };
        }),
    },
    {
      name: 'gives the reference floats, bit for bit, on 600 random layers: convex quads, designs, fits, clips, displacements and bands',
      cases: () => randomCases(20261122, 600, randomLayerCase),
    },
    {
      name: 'gives the reference floats where the base reaches the inverse map’s horizon (w = 0) and beyond',
      cases: () =>
        randomCases(99, 60, (next, round) => {
          const base = { width: 60, height: 60 };
          // A trapezoid whose far edge is short: its vanishing line crosses the base.
          const narrow = between(next, 0.2, 4);
          const quad: Quad = [[between(next, 0, 10), 55], [between(next, 50, 60), 55], [30 + narrow, between(next, 20, 40)], [30 - narrow, between(next, 20, 40)]];
          const image = randomOverlay(next, 1 + Math.floor(next() * 30), 1 + Math.floor(next() * 30), alphaKindFor(round));
          const { layer } = prepare({ image, quad, fit: FITS[round % 3]!, base, opacity: 1 });
          return warp({ quad }, layer, wholeOf(base));
        }),
    },
    {
      name: 'gives the reference floats on magnified and minified designs, and on rectangles of more pixels than one kernel call takes',
      *cases() {
        const next = random(31);
        const base = { width: 300, height: 260 };
        const quad: Quad = [[-20.5, 10.25], [290, -5], [280.75, 250], [5, 240]];
        for (const [w, h] of [[1, 1], [2, 3], [7, 5], [900, 700]] as const) {
          const image = randomOverlay(next, w, h, 'any');
          const luma = bytesOf(next, base.width * base.height, 0);
          const { layer } = prepare({ image, quad, fit: 'stretch', base, opacity: 0.75, luma, strength: [3.5, -2] });
          yield warp({ design: [w, h] }, layer, wholeOf(base));
        }
        // Wider than a kernel call's run: a row is split.
        const wide = { width: 20000, height: 2 };
        const { layer } = prepare({ image: randomOverlay(next, 40, 3, 'any'), quad: [[-3, 0], [20010, 0.5], [20000, 2], [0, 1.5]], fit: 'stretch', base: wide, opacity: 1, clip: bytesOf(next, 40000, 0) });
        yield warp({ base: 'wide' }, layer, wholeOf(wide));
      },
    },
    {
      name: 'gives the reference bands and base when a layer is warped band by band with the blend between, its design kept in the shared area or copied in again after another pass',
      cases: () =>
        randomCases(5150, 40, (next, round) => {
          const base = { width: 90, height: 70 };
          const channels = round % 2 ? 3 : 4;
          const raster: Raster = { ...base, channels, data: bytesOf(next, base.width * base.height * channels, 0) };
          const pixels = base.width * base.height;
          const image = randomOverlay(next, 10 + Math.floor(next() * 60), 10 + Math.floor(next() * 60), alphaKindFor(round));
          const { layer, box } = prepare({ image, quad: randomQuad(next, base, round), fit: FITS[round % 3]!, base, opacity: between(next, 0.2, 1), clip: bytesOf(next, pixels, 0), luma: bytesOf(next, pixels, 0), strength: [between(next, -6, 6), between(next, -6, 6)] });
          const rect = box ?? wholeOf(base);
          const mode: BlendMode = (['normal', 'multiply', 'soft-light', 'color-burn'] as const)[round % 4]!;
          const bandRows = 1 + Math.floor(next() * 9);
          const other = randomOverlay(next, 30, 20, 'any');
          // Every third band, another pass takes the shared area.
          const between3 = (band: number) => void (round % 3 === 0 && band % 3 === 1 && maskLuma(other));
          return {
            label: { channels, mode, bandRows, rect },
            kernel: () => bandByBand(layer, rect, raster, mode, bandRows, true, between3),
            reference: () => bandByBand(layer, rect, raster, mode, bandRows, false, () => undefined),
          };
        }),
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
    {
      name: 'warps a design too large for the shared scratch area in an instance of its own, band by band',
      cases: () => {
        const next = random(8);
        const base = { width: 1400, height: 1200 };
        const image = randomOverlay(next, 1500, 1300, 'edges'); // 7.8 MB
        const { layer } = prepare({ image, quad: [[-40, -30], [1420, 10], [1390, 1230], [20, 1180]], fit: 'stretch', base, opacity: 1 });
        const raster: Raster = { ...base, channels: 3, data: bytesOf(next, base.width * base.height * 3, 0) };
        const rect = { x: 0, y: 500, width: base.width, height: 40 };
        return [{ label: {}, kernel: () => bandByBand(layer, rect, raster, 'screen', 11, true, () => undefined), reference: () => bandByBand(layer, rect, raster, 'screen', 11, false, () => undefined) }];
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
