import type { Rect, Rgba, Size } from '../../src/engine/raster.js';
import { nearestExactIndices } from '../../src/engine/resample.js';
import { ROUND_TRIP, toByte, UNIT } from './premultiplied.js';
import { referenceWindow } from './window-reference.js';

/**
 * nearest-exact in plain JavaScript, one table lookup per channel: the
 * engine's implementation before its loop moved to WebAssembly, checked
 * bit-exact then against torch 1.13. The tests hold the kernel to it.
 */
export function referenceNearestExact(src: Rgba, size: Size, window: Rect): Rgba {
  const data = src.data;
  return referenceWindow(src, size, window, nearestExactIndices, (out, o, x, y, xs, ys) => {
    const s = (ys[y]! * src.width + xs[x]!) << 2;
    const a = data[s + 3]!;
    const hi = a << 8;
    out[o] = ROUND_TRIP[hi | data[s]!]!;
    out[o + 1] = ROUND_TRIP[hi | data[s + 1]!]!;
    out[o + 2] = ROUND_TRIP[hi | data[s + 2]!]!;
    out[o + 3] = toByte(UNIT[a]!);
  });
}
