import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compose } from '../../../src/engine/compose.js';
import { BLEND_MODES, type BlendMode } from '../../../src/engine/mockup/blend.js';
import { FITS } from '../../../src/engine/mockup/fit.js';
import type { Quad } from '../../../src/engine/mockup/geometry.js';
import { renderMockup, type MockupLayerInput } from '../../../src/engine/mockup/pipeline.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';
import { rgba, type Raster, type Rgba } from '../../../src/engine/raster.js';
import { random, randomOverlay } from '../../helpers/random.js';

/**
 * MOCKUP.md's exact identities, byte for byte: where the pipeline must agree
 * with superimpose, and the layers that must leave an opaque base unchanged.
 */

const BASE = { width: 48, height: 36 };

function noiseBase(channels: 3 | 4, seed: number, opaque: boolean): Raster {
  const next = random(seed);
  const data = Uint8Array.from({ length: BASE.width * BASE.height * channels }, (_, i) => (opaque && channels === 4 && i % 4 === 3 ? 255 : Math.floor(next() * 256)));
  return { ...BASE, channels, data };
}

function flatImage(width: number, height: number, pixel: readonly number[]): Rgba {
  const image = rgba(width, height);
  for (let i = 0; i < image.data.length; i += 4) image.data.set(pixel, i);
  return image;
}

const copy = (raster: Raster): Raster => ({ ...raster, data: raster.data.slice() });

/** Quarter-pixel corners around and over the base, strictly convex. */
const coordinate = (max: number) => fc.integer({ min: -60, max: 4 * max + 60 }).map((v) => v / 4);
const point = fc.tuple(coordinate(BASE.width), coordinate(BASE.height));
const convexQuad = fc.tuple(point, point, point, point).filter((quad) => isStrictlyConvex(quad));
const fit = fc.constantFrom(...FITS);
const blendMode = fc.constantFrom(...BLEND_MODES);
const seed = fc.integer();
const designSize = fc.integer({ min: 1, max: 40 });
const channels = fc.constantFrom(3 as const, 4 as const);

describe('superimpose identity', () => {
  it('an opaque design on the axis-aligned rectangle of its own size at whole-pixel offsets, stretch, normal: the bytes of compose with overlay_resize None', () => {
    fc.assert(
      fc.property(designSize, designSize, fc.integer({ min: -45, max: 50 }), fc.integer({ min: -45, max: 40 }), channels, fc.boolean(), seed, (width, height, x, y, baseChannels, opaqueBase, s) => {
        const design = randomOverlay(random(s), width, height, 'opaque');
        const base = noiseBase(baseChannels, s + 1, opaqueBase);
        const quad: Quad = [[x, y], [x + width, y], [x + width, y + height], [x, y + height]];
        const mockup = renderMockup(copy(base), [{ image: design, quad, fit: 'stretch', blendMode: 'normal', opacity: 1 }]);
        const superimposed = compose(
          { base: copy(base), overlay: design },
          { overlayResize: 'None', resizeMethod: 'bilinear', rescaleFactor: 1, width: 0, height: 0, opacity: 1, rotation: 0, xOffset: x, yOffset: y },
          { maxPixels: 1 << 20 },
        );
        expect(mockup.data).toEqual(superimposed.data);
      }),
      { numRuns: 150 },
    );
  });
});

describe('on an opaque base, layers that change nothing', () => {
  const neutral: [BlendMode, readonly number[]][] = [
    ['multiply', [255, 255, 255]],
    ['screen', [0, 0, 0]],
    ['darken', [255, 255, 255]],
    ['lighten', [0, 0, 0]],
  ];

  it.each(neutral)('%s with a design of %j, at any alpha, through any quad, fit and displacement', (mode, colour) => {
    fc.assert(
      fc.property(convexQuad, fit, designSize, designSize, fc.integer({ min: 0, max: 255 }), channels, seed, (quad, fitMode, width, height, alpha, baseChannels, s) => {
        const base = noiseBase(baseChannels, s, true);
        const next = random(s + 7);
        const image = randomOverlay(next, width, height, 'any');
        for (let i = 0; i < image.data.length; i += 4) image.data.set(colour, i);
        image.data[3] = alpha;
        const map = noiseBase(3, s + 3, true);
        const layers: MockupLayerInput[] = [{ image, quad, fit: fitMode, blendMode: mode, opacity: 0.5 + next() / 2, displacement: { map, strength: [4, -6], blur: 1 } }];
        expect(renderMockup(copy(base), layers).data).toEqual(base.data);
      }),
      { numRuns: 60 },
    );
  });

  it('opacity 0, any mode', () => {
    fc.assert(
      fc.property(convexQuad, fit, blendMode, channels, seed, (quad, fitMode, mode, baseChannels, s) => {
        const base = noiseBase(baseChannels, s, true);
        const image = randomOverlay(random(s + 1), 17, 9, 'any');
        expect(renderMockup(copy(base), [{ image, quad, fit: fitMode, blendMode: mode, opacity: 0 }]).data).toEqual(base.data);
      }),
      { numRuns: 60 },
    );
  });

  it('an all-black clip, any mode', () => {
    fc.assert(
      fc.property(convexQuad, fit, blendMode, channels, seed, (quad, fitMode, mode, baseChannels, s) => {
        const base = noiseBase(baseChannels, s, true);
        const image = randomOverlay(random(s + 1), 17, 9, 'any');
        const clip = flatImage(BASE.width, BASE.height, [0, 0, 0, 255]);
        expect(renderMockup(copy(base), [{ image, quad, fit: fitMode, blendMode: mode, opacity: 1, clip }]).data).toEqual(base.data);
      }),
      { numRuns: 60 },
    );
  });
});

describe('displacement', () => {
  it('a flat 128 map leaves the render as it is without displacement, any strength and blur', () => {
    fc.assert(
      fc.property(
        convexQuad,
        fit,
        blendMode,
        channels,
        fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true })),
        fc.integer({ min: 0, max: 32 }).map((eighths) => eighths / 8),
        seed,
        (quad, fitMode, mode, baseChannels, strength, blur, s) => {
          const base = noiseBase(baseChannels, s, false);
          const layer: MockupLayerInput = { image: randomOverlay(random(s + 1), 23, 11, 'any'), quad, fit: fitMode, blendMode: mode, opacity: 1 };
          const map = flatImage(BASE.width, BASE.height, [128, 128, 128, 255]);
          expect(renderMockup(copy(base), [{ ...layer, displacement: { map, strength, blur } }]).data).toEqual(renderMockup(copy(base), [layer]).data);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('so does the "base" map of a flat 128 base', () => {
    const base: Raster = { ...BASE, channels: 3, data: new Uint8Array(BASE.width * BASE.height * 3).fill(128) };
    const layer: MockupLayerInput = { image: randomOverlay(random(2), 23, 11, 'any'), quad: [[3, 2], [40, 6], [44, 33], [1, 30]], fit: 'cover', blendMode: 'overlay', opacity: 1 };
    expect(renderMockup(copy(base), [{ ...layer, displacement: { map: 'base', strength: [9, 9], blur: 2 } }]).data).toEqual(renderMockup(copy(base), [layer]).data);
  });
});
