import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLEND_MODES } from '../../../src/engine/mockup/blend.js';
import { FITS, planFit, prepareDesign } from '../../../src/engine/mockup/fit.js';
import { areaSize, boxQuad, invertHomography, quadHomography, type Quad } from '../../../src/engine/mockup/geometry.js';
import { renderMockup, type MockupLayerInput } from '../../../src/engine/mockup/pipeline.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';
import { warpRect } from '../../../src/engine/mockup/warp.js';
import type { Raster } from '../../../src/engine/raster.js';
import { random, randomOverlay } from '../../helpers/random.js';

const BASE = { width: 64, height: 48 };

function noiseBase(channels: 3 | 4, seed: number): Raster {
  const next = random(seed);
  return { ...BASE, channels, data: Uint8Array.from({ length: BASE.width * BASE.height * channels }, () => Math.floor(next() * 256)) };
}

function flatBase(pixel: readonly number[]): Raster {
  const channels = pixel.length as 3 | 4;
  const data = new Uint8Array(BASE.width * BASE.height * channels);
  for (let i = 0; i < data.length; i += channels) data.set(pixel, i);
  return { ...BASE, channels, data };
}

const copy = (raster: Raster): Raster => ({ ...raster, data: raster.data.slice() });

const quarter = (min: number, max: number) => fc.integer({ min: 4 * min, max: 4 * max }).map((v) => v / 4);
const fit = fc.constantFrom(...FITS);
const blendMode = fc.constantFrom(...BLEND_MODES);
const seed = fc.integer();
const channels = fc.constantFrom(3 as const, 4 as const);
const designSize = fc.integer({ min: 1, max: 30 });

/** The largest difference between two byte arrays of one length. */
function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Whether the outermost rows and columns of an RGBA render are still the flat base's. */
function untouchedEdges(image: Raster, base: Raster): boolean {
  for (let y = 0; y < BASE.height; y++) {
    for (let x = 0; x < BASE.width; x++) {
      if (x > 0 && x < BASE.width - 1 && y > 0 && y < BASE.height - 1) continue;
      for (let c = 0; c < 4; c++) if (image.data[(y * BASE.width + x) * 4 + c] !== base.data[c]) return false;
    }
  }
  return true;
}

const design = (s: number, width: number, height: number) => randomOverlay(random(s), width, height, 'any');

describe('properties of the mockup pipeline', () => {
  it('a box turned a quarter turn renders as the quad of the turned rectangle, corners from the design’s top-left', () => {
    fc.assert(
      fc.property(quarter(-10, 50), quarter(-10, 40), quarter(1, 40), quarter(1, 30), fc.integer({ min: -4, max: 4 }), fit, blendMode, seed, (x, y, width, height, turns, fitMode, mode, s) => {
        const cx = x + width / 2;
        const cy = y + height / 2;
        // Turned a quarter counter-clockwise on screen, the box spans its height across and its width down.
        const across = turns % 2 === 0 ? width / 2 : height / 2;
        const down = turns % 2 === 0 ? height / 2 : width / 2;
        const [left, right, top, bottom] = [cx - across, cx + across, cy - down, cy + down];
        // The design's top-left, then round: the top-left corner goes to the bottom-left, bottom-right, top-right in turn.
        const corners: Quad[] = [
          [[left, top], [right, top], [right, bottom], [left, bottom]],
          [[left, bottom], [left, top], [right, top], [right, bottom]],
          [[right, bottom], [left, bottom], [left, top], [right, top]],
          [[right, top], [right, bottom], [left, bottom], [left, top]],
        ];
        const quad = corners[((turns % 4) + 4) % 4]!;
        const base = noiseBase(4, s);
        const layer = { image: design(s, 1 + (s & 15), 1 + ((s >> 4) & 15)), fit: fitMode, blendMode: mode, opacity: 1 };
        const fromBox = renderMockup(copy(base), [{ ...layer, quad: boxQuad({ x, y, width, height, rotation: 90 * turns }) }]);
        const fromQuad = renderMockup(copy(base), [{ ...layer, quad }]);
        expect(fromBox.data).toEqual(fromQuad.data);
      }),
      { numRuns: 120 },
    );
  });

  it('a box at any angle renders as its corners turned about the centre', () => {
    fc.assert(
      // Not minified and not cover: the last bits of the corners must not decide a rounding edge (ceil(2·d) at an integer, a crop at .5).
      fc.property(quarter(0, 40), quarter(0, 30), quarter(6, 30), quarter(6, 20), fc.double({ min: -720, max: 720, noNaN: true }), fc.constantFrom('contain' as const, 'stretch' as const), seed, (x, y, width, height, rotation, fitMode, s) => {
        // Counter-clockwise on screen, y down: as a complex number, (dx − i·dy)·e^{iθ}, read back with y flipped.
        const theta = (rotation * Math.PI) / 180;
        const [cx, cy] = [x + width / 2, y + height / 2];
        const turn = (dx: number, dy: number): [number, number] => {
          const re = dx * Math.cos(theta) - -dy * Math.sin(theta);
          const im = dx * Math.sin(theta) + -dy * Math.cos(theta);
          return [cx + re, cy - im];
        };
        const quad: Quad = [turn(-width / 2, -height / 2), turn(width / 2, -height / 2), turn(width / 2, height / 2), turn(-width / 2, height / 2)];
        const base = noiseBase(3, s);
        const layer = { image: design(s, 12, 7), fit: fitMode, blendMode: 'normal' as const, opacity: 1 };
        const fromBox = renderMockup(copy(base), [{ ...layer, quad: boxQuad({ x, y, width, height, rotation }) }]);
        const fromQuad = renderMockup(copy(base), [{ ...layer, quad }]);
        // The two corner formulas round differently in the last bits, which can move a byte by one.
        expect(maxDifference(fromBox.data, fromQuad.data)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('an integer translation of the quad translates the change', () => {
    const inner = (max: number) => quarter(12, max - 12);
    const point = fc.tuple(inner(BASE.width), inner(BASE.height));
    fc.assert(
      fc.property(
        fc.tuple(point, point, point, point).filter((quad) => isStrictlyConvex(quad)),
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: -10, max: 10 }),
        fit,
        blendMode,
        fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
        seed,
        (quad, dx, dy, fitMode, mode, pixel, s) => {
          // A flat base, so that the backdrop under the design is the same wherever it goes; a colour under alpha 0 is no colour, so alpha is kept above 0.
          const base = flatBase([pixel[0], pixel[1], pixel[2], Math.max(1, pixel[3])]);
          const layer = { image: design(s, 3 + (s & 31), 3 + ((s >> 5) & 31)), fit: fitMode, blendMode: mode, opacity: 1 };
          const moved: Quad = [quad[0], quad[1], quad[2], quad[3]].map(([x, y]) => [x + dx, y + dy] as const) as unknown as Quad;
          const here = renderMockup(copy(base), [{ ...layer, quad }]);
          const there = renderMockup(copy(base), [{ ...layer, quad: moved }]);
          // Both changes stay inside the base (magnified designs reach half a design pixel out).
          fc.pre(untouchedEdges(here, base) && untouchedEdges(there, base));
          const shifted = copy(base);
          for (let y = Math.max(0, dy); y < Math.min(BASE.height, BASE.height + dy); y++) {
            const from = ((y - dy) * BASE.width + Math.max(0, -dx)) * 4;
            shifted.data.set(here.data.subarray(from, from + (BASE.width - Math.abs(dx)) * 4), (y * BASE.width + Math.max(0, dx)) * 4);
          }
          // The homography's entries hold the corners' absolute coordinates, so its last bits change with them: a byte may move by one.
          expect(maxDifference(there.data, shifted.data)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('an opaque normal layer painted after another hides it wherever it covers', () => {
    const point = fc.tuple(quarter(-8, BASE.width + 8), quarter(-8, BASE.height + 8));
    const convexQuad = fc.tuple(point, point, point, point).filter((quad) => isStrictlyConvex(quad));
    fc.assert(
      fc.property(convexQuad, convexQuad, fit, fit, blendMode, designSize, designSize, channels, seed, (quadA, quadB, fitA, fitB, modeA, width, height, baseChannels, s) => {
        const base = noiseBase(baseChannels, s);
        const under: MockupLayerInput = { image: design(s + 1, 9, 13), quad: quadA, fit: fitA, blendMode: modeA, opacity: 0.8 };
        const over: MockupLayerInput = { image: randomOverlay(random(s + 2), width, height, 'opaque'), quad: quadB, fit: fitB, blendMode: 'normal', opacity: 1 };
        const both = renderMockup(copy(base), [under, over]);
        const alone = renderMockup(copy(base), [over]);
        // Where the top layer's sampled alpha is exactly 1.
        const area = areaSize(quadB);
        const plan = planFit(over.image, area, fitB);
        const samples = warpRect(
          { design: prepareDesign(over.image, plan), toArea: invertHomography(quadHomography(quadB, area)), drawn: plan.drawn, baseWidth: BASE.width, opacity: 1 },
          { x: 0, y: 0, ...BASE },
        );
        let covered = 0;
        for (let p = 0; p < BASE.width * BASE.height; p++) {
          if (samples[p * 4 + 3] !== 1) continue;
          covered++;
          const at = p * baseChannels;
          expect(both.data.subarray(at, at + baseChannels)).toEqual(alone.data.subarray(at, at + baseChannels));
        }
        fc.pre(covered > 0);
      }),
      { numRuns: 80 },
    );
  });

  it('contain keeps the design’s aspect ratio, centred in the area, touching it on one axis', () => {
    const size = fc.double({ min: 0.5, max: 5000, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8000 }), fc.integer({ min: 1, max: 8000 }), size, size, (W, H, aw, ah) => {
        const { crop, drawn } = planFit({ width: W, height: H }, { width: aw, height: ah }, 'contain');
        expect(crop).toEqual({ x: 0, y: 0, width: W, height: H });
        expect(Math.abs(drawn.width / drawn.height / (W / H) - 1)).toBeLessThanOrEqual(1e-12);
        expect(Math.min(Math.abs(drawn.width - aw) / aw, Math.abs(drawn.height - ah) / ah)).toBeLessThanOrEqual(1e-12);
        expect(drawn.width).toBeLessThanOrEqual(aw * (1 + 1e-12));
        expect(drawn.height).toBeLessThanOrEqual(ah * (1 + 1e-12));
        expect(Math.abs(drawn.x - (aw - drawn.x - drawn.width))).toBeLessThanOrEqual(1e-9 * aw);
        expect(Math.abs(drawn.y - (ah - drawn.y - drawn.height))).toBeLessThanOrEqual(1e-9 * ah);
      }),
      { numRuns: 500 },
    );
  });

  it('contain paints the design at its aspect ratio', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 8, max: 60 }), fc.integer({ min: 8, max: 44 }), seed, (W, H, width, height, s) => {
        const s0 = Math.min(width / W, height / H);
        // At least three pixels each way: a thinner footprint has no pixel half covered.
        fc.pre(W * s0 >= 3 && H * s0 >= 3);
        const base = flatBase([0, 0, 0, 0]);
        const image = randomOverlay(random(s), W, H, 'opaque');
        const painted = renderMockup(base, [{ image, quad: boxQuad({ x: 2, y: 2, width, height }), fit: 'contain', blendMode: 'normal', opacity: 1 }]);
        // The footprint: pixels at least half covered.
        let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let y = 0; y < BASE.height; y++) {
          for (let x = 0; x < BASE.width; x++) {
            if (painted.data[(y * BASE.width + x) * 4 + 3]! < 128) continue;
            [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
          }
        }
        // Pixels whose centres fall in a span of length L, ties at both ends counted: L − 1 to L + 1 of them.
        expect(Math.abs(maxX - minX + 1 - W * s0)).toBeLessThanOrEqual(1 + 1e-9);
        expect(Math.abs(maxY - minY + 1 - H * s0)).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { numRuns: 100 },
    );
  });
});
