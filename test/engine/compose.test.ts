import { describe, expect, it } from 'vitest';
import { clipPlacement, compositeOver } from '../../src/engine/composite.js';
import { compose, overlaySizes, type ComposeOptions } from '../../src/engine/compose.js';
import { applyMaskAndOpacity, maskLuma, resizeBicubicPillow } from '../../src/engine/mask.js';
import { cropRgba, rgba, type Raster } from '../../src/engine/raster.js';
import { RESIZE_METHODS } from '../../src/engine/resample.js';
import { planOverlayResize } from '../../src/engine/resize-overlay.js';
import { wholeOf } from '../../src/engine/raster.js';
import { firstDifference, random } from '../helpers/random.js';

const next = random(42);
const noise = (width: number, height: number) => {
  const image = rgba(width, height);
  for (let i = 0; i < image.data.length; i++) image.data[i] = Math.floor(next() * 256);
  return image;
};

/** Steps 2–7 on whole rasters, one after the other: what the banded path must equal. */
function composeWhole(base: Raster, inputs: { overlay: ReturnType<typeof noise>; mask: ReturnType<typeof noise> }, options: ComposeOptions): Raster {
  const size = { width: options.width, height: options.height };
  const resized = planOverlayResize(inputs.overlay, size, options.resizeMethod)(wholeOf(size));
  const masked = applyMaskAndOpacity(resized, resizeBicubicPillow(maskLuma(inputs.mask), size), options.opacity);
  const rect = clipPlacement(base, masked, options.xOffset, options.yOffset)!;
  const visible = cropRgba(masked, { x: rect.x - options.xOffset, y: rect.y - options.yOffset, width: rect.width, height: rect.height });
  compositeOver(base, visible, rect.x, rect.y);
  return base;
}

describe('compose', () => {
  it.each(RESIZE_METHODS)('unrotated, in bands, gives the whole-raster steps exactly (%s, mask, opacity, clipped)', (method) => {
    const overlay = noise(211, 157);
    const mask = noise(90, 70);
    const base: Raster = { width: 400, height: 300, channels: 3, data: noise(400, 300).data.subarray(0, 400 * 300 * 3) };
    // 360x250 RGBA is 5.5 bands of 64 KB; the offsets clip the left and top.
    const options: ComposeOptions = { overlayResize: 'Resize to width & height', resizeMethod: method, rescaleFactor: 1, width: 360, height: 250, opacity: 0.6, rotation: 0, xOffset: -7, yOffset: -11 };
    const expected = composeWhole({ ...base, data: base.data.slice() }, { overlay, mask }, options);
    const actual = compose({ base: { ...base, data: base.data.slice() }, overlay, mask }, options, { maxPixels: 25_000_000 });
    expect(firstDifference(actual.data, expected.data)).toBe(-1);
    expect(firstDifference(actual.data, base.data)).not.toBe(-1);
  });
});

describe('overlaySizes', () => {
  const sizing = { overlayResize: 'Resize by rescale_factor', rescaleFactor: 2, width: 0, height: 0, rotation: 0 } as const;
  const base = { width: 1000, height: 1000 };

  it.each([
    { name: 'rescaled', sizing, target: { width: 200, height: 100 }, canvas: { width: 200, height: 100 } },
    { name: 'turned a quarter', sizing: { ...sizing, rotation: 90 }, target: { width: 200, height: 100 }, canvas: { width: 100, height: 200 } },
    { name: 'fit to the base', sizing: { ...sizing, overlayResize: 'Fit' }, target: { width: 1000, height: 500 }, canvas: { width: 1000, height: 500 } },
  ] as const)('gives the $name overlay the sizes compose uses', ({ sizing: s, target, canvas }) => {
    expect(overlaySizes({ width: 100, height: 50 }, base, s, { maxPixels: 1e9 })).toEqual({ target, canvas });
  });

  it.each([
    { stage: 'after resizing', rotation: 0, field: 'overlay_resize', limit: 19_999 },
    { stage: 'after rotation', rotation: 45, field: 'rotation', limit: 20_000 },
  ])('refuses an overlay over the limit $stage, naming $field', ({ stage, rotation, field, limit }) => {
    expect(() => overlaySizes({ width: 100, height: 50 }, base, { ...sizing, rotation }, { maxPixels: limit, limitName: 'L' })).toThrow(
      expect.objectContaining({ code: 'too_large', field, message: expect.stringContaining(`at most ${limit} pixels (L) ${stage}`) }),
    );
  });
});
