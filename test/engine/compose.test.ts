import { describe, expect, it } from 'vitest';
import { clipPlacement, compositeOver } from '../../src/engine/composite.js';
import { compose, type ComposeOptions } from '../../src/engine/compose.js';
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
