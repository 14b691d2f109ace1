import { rgba, type Rgba } from './raster.js';

/**
 * Premultiplied RGBA in float32, the resamplers' output: colour c/255 · a/255
 * and alpha a/255, as the reference's tensors hold them.
 */
export interface PremultipliedImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * float32(float32(c/255) · float32(a/255)) at index a·256 + c: the reference's
 * premultiplied value of every byte pair, so resamplers read bytes and never
 * build a premultiplied copy of the whole overlay. Index a·256 + 255 is alpha itself.
 */
export const PREMULTIPLIED = (() => {
  const unit = Float32Array.from({ length: 256 }, (_, c) => c / 255);
  const table = new Float32Array(256 * 256);
  for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) table[(a << 8) | c] = unit[c]! * unit[a]!;
  return table;
})();

/** trunc(float32(255 · v)), clipped to 0–255: the reference's conversion back to bytes. */
export function toByte(v: number): number {
  const scaled = Math.fround(255 * v);
  return scaled >= 255 ? 255 : scaled <= 0 ? 0 : Math.trunc(scaled);
}

/** Divides colour by alpha where alpha > 0 (colour is 0 elsewhere), then converts to bytes. */
export function unpremultiply(image: PremultipliedImage): Rgba {
  const src = image.data;
  const out = rgba(image.width, image.height);
  const dst = out.data;
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    dst[i + 3] = toByte(a);
    if (a > 0) {
      dst[i] = toByte(Math.fround(src[i]! / a));
      dst[i + 1] = toByte(Math.fround(src[i + 1]! / a));
      dst[i + 2] = toByte(Math.fround(src[i + 2]! / a));
    }
  }
  return out;
}
