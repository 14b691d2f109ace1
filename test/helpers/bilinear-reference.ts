import type { Rect, Rgba, Size } from '../../src/engine/raster.js';
import { linearTaps } from '../../src/engine/resample.js';
import { PREMULTIPLIED, toByte, UNIT } from './premultiplied.js';
import { referenceWindow } from './window-reference.js';

const f32 = Math.fround;

/**
 * Writes one resampled pixel as bytes: r, g, b are premultiplied sums (any
 * precision; rounded to float32 here), a is the float32 alpha. Colour is
 * float32(c / a) where a > 0, else 0.
 */
export function storeUnpremultiplied(out: Uint8Array, o: number, r: number, g: number, b: number, a: number): void {
  if (a === 1) {
    // The usual case inside an opaque overlay; dividing by 1 changes nothing.
    out[o] = toByte(Math.fround(r));
    out[o + 1] = toByte(Math.fround(g));
    out[o + 2] = toByte(Math.fround(b));
    out[o + 3] = 255;
    return;
  }
  out[o + 3] = toByte(a);
  if (a > 0) {
    out[o] = toByte(Math.fround(Math.fround(r) / a));
    out[o + 1] = toByte(Math.fround(Math.fround(g) / a));
    out[o + 2] = toByte(Math.fround(Math.fround(b) / a));
  } else {
    out[o] = out[o + 1] = out[o + 2] = 0;
  }
}

/**
 * The bilinear arithmetic in plain JavaScript, one scalar at a time: the
 * engine's implementation before its inner loop moved to WebAssembly, checked
 * bit-exact then against torch 1.13. The tests hold the kernel to it.
 */
export function referenceBilinear(src: Rgba, size: Size, window: Rect): Rgba {
  const data = src.data;
  const stride = src.width * 4;
  const channel = (p: number, c: number) => PREMULTIPLIED[(data[p + 3]! << 8) | data[p + c]!]!;
  return referenceWindow(src, size, window, linearTaps, (out, o, x, y, tx, ty) => {
    const row0 = ty.index0[y]! * stride;
    const row1 = ty.index1[y]! * stride;
    const w00 = f32(ty.weight0[y]! * tx.weight0[x]!);
    const w01 = f32(ty.weight0[y]! * tx.weight1[x]!);
    const w10 = f32(ty.weight1[y]! * tx.weight0[x]!);
    const w11 = f32(ty.weight1[y]! * tx.weight1[x]!);
    const p00 = row0 + tx.index0[x]! * 4;
    const p01 = row0 + tx.index1[x]! * 4;
    const p10 = row1 + tx.index0[x]! * 4;
    const p11 = row1 + tx.index1[x]! * 4;
    const sum = (c: number) => channel(p00, c) * w00 + channel(p01, c) * w01 + channel(p10, c) * w10 + channel(p11, c) * w11;
    const alpha = UNIT[data[p00 + 3]!]! * w00 + UNIT[data[p01 + 3]!]! * w01 + UNIT[data[p10 + 3]!]! * w10 + UNIT[data[p11 + 3]!]! * w11;
    storeUnpremultiplied(out, o, sum(0), sum(1), sum(2), f32(alpha));
  });
}
