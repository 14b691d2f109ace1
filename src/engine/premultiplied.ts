import { rgba, type Rgba } from './raster.js';

/**
 * Premultiplied RGBA in float32, the working form of the resamplers:
 * colour c/255 · a/255 and alpha a/255, as the reference's tensors hold them.
 */
export interface PremultipliedImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** float32(c / 255) for every byte: the reference's `uint8 / 255.0` in float32. */
const UNIT = Float32Array.from({ length: 256 }, (_, c) => c / 255);

export function premultiply(image: Rgba): PremultipliedImage {
  const src = image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = UNIT[src[i + 3]!]!;
    // Storing into a Float32Array rounds the double product to float32.
    out[i] = UNIT[src[i]!]! * a;
    out[i + 1] = UNIT[src[i + 1]!]! * a;
    out[i + 2] = UNIT[src[i + 2]!]! * a;
    out[i + 3] = a;
  }
  return { width: image.width, height: image.height, data: out };
}

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
