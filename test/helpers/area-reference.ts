import type { Rect, Rgba, Size } from '../../src/engine/raster.js';
import { areaWindows } from '../../src/engine/resample.js';
import { storeUnpremultiplied } from './bilinear-reference.js';
import { PREMULTIPLIED, UNIT } from './premultiplied.js';
import { referenceWindow } from './window-reference.js';

const f32 = Math.fround;

/**
 * The area arithmetic in plain JavaScript, one scalar at a time: the engine's
 * implementation before its loops moved to WebAssembly, checked bit-exact then
 * against torch 1.13. The tests hold the kernel to it.
 */
export function referenceArea(src: Rgba, size: Size, window: Rect): Rgba {
  const data = src.data;
  return referenceWindow(src, size, window, areaWindows, (out, o, x, y, wx, wy) => {
    const x0 = wx.start[x]!;
    const x1 = wx.end[x]!;
    const y0 = wy.start[y]!;
    const y1 = wy.end[y]!;
    const kw = x1 - x0;
    const kh = y1 - y0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let iy = y0; iy < y1; iy++) {
      let p = (iy * src.width + x0) << 2;
      for (let ix = x0; ix < x1; ix++, p += 4) {
        const a = data[p + 3]!;
        const h = a << 8;
        s0 = f32(s0 + PREMULTIPLIED[h | data[p]!]!);
        s1 = f32(s1 + PREMULTIPLIED[h | data[p + 1]!]!);
        s2 = f32(s2 + PREMULTIPLIED[h | data[p + 2]!]!);
        s3 = f32(s3 + UNIT[a]!);
      }
    }
    storeUnpremultiplied(out, o, f32(s0 / kh) / kw, f32(s1 / kh) / kw, f32(s2 / kh) / kw, f32(f32(s3 / kh) / kw));
  });
}
