import { rgba, type Rect, type Rgba, type Size } from '../../src/engine/raster.js';
import { nearestExactIndices } from '../../src/engine/resample.js';
import { ROUND_TRIP, toByte, UNIT } from './premultiplied.js';

/**
 * nearest-exact in plain JavaScript, one table lookup per channel: the
 * engine's implementation before its loop moved to WebAssembly, checked
 * bit-exact then against torch 1.13. The tests hold the kernel to it.
 */
export function referenceNearestExact(src: Rgba, size: Size, window: Rect): Rgba {
  const xs = nearestExactIndices(src.width, size.width);
  const ys = nearestExactIndices(src.height, size.height);
  const out = rgba(window.width, window.height);
  const dst = out.data;
  const data = src.data;
  let o = 0;
  for (let y = window.y; y < window.y + window.height; y++) {
    const row = ys[y]! * src.width;
    for (let x = window.x; x < window.x + window.width; x++, o += 4) {
      const s = (row + xs[x]!) << 2;
      const a = data[s + 3]!;
      const hi = a << 8;
      dst[o] = ROUND_TRIP[hi | data[s]!]!;
      dst[o + 1] = ROUND_TRIP[hi | data[s + 1]!]!;
      dst[o + 2] = ROUND_TRIP[hi | data[s + 2]!]!;
      dst[o + 3] = toByte(UNIT[a]!);
    }
  }
  return out;
}
