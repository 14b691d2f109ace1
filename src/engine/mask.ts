import { rgbaIn, type Rect, type Rgba, type Size } from './raster.js';

/** A single-channel 8-bit image. */
export interface Grey {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Pillow's ((x >> 8) + x) >> 8: division by 255 for the ranges used here. */
const shiftDiv255 = (x: number): number => ((x >>> 8) + x) >>> 8;

/**
 * Step 3a: flattens alpha onto black (Pillow's alpha_composite over opaque black),
 * then takes ITU-R 601 luma with Pillow's fixed point: (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
 */
export function maskLuma(mask: Rgba): Grey {
  const src = mask.data;
  const out = new Uint8Array(mask.width * mask.height);
  for (let i = 0, p = 0; p < out.length; i += 4, p++) {
    const a = src[i + 3]!;
    let r = src[i]!, g = src[i + 1]!, b = src[i + 2]!;
    if (a === 0) {
      r = g = b = 0;
    } else if (a !== 255) {
      // Over opaque black, coef1 = a · 128 (7 bits of precision) and the black term is 0.
      r = shiftDiv255(r * a * 128 + (0x80 << 7)) >>> 7;
      g = shiftDiv255(g * a * 128 + (0x80 << 7)) >>> 7;
      b = shiftDiv255(b * a * 128 + (0x80 << 7)) >>> 7;
    }
    out[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
  }
  return { width: mask.width, height: mask.height, data: out };
}

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's bicubic kernel, a = −0.5. */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface FixedPointTaps {
  readonly taps: number;
  readonly bounds: Int32Array; // per output: first source index, count
  readonly weights: Int32Array; // per output: `taps` fixed-point coefficients
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis (support 2, antialiased when shrinking). */
function fixedPointTaps(inSize: number, outSize: number): FixedPointTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * taps);
  const k = new Float64Array(taps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const ss = 1 / filterScale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const count = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < count; x++) {
      const w = bicubic((x + xmin - center + 0.5) * ss);
      k[x] = w;
      sum += w;
    }
    for (let x = 0; x < count; x++) {
      const w = sum !== 0 ? k[x]! / sum : k[x]!;
      const fixed = w * (1 << PRECISION_BITS);
      weights[i * taps + x] = w < 0 ? Math.trunc(-0.5 + fixed) : Math.trunc(0.5 + fixed);
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = count;
  }
  return { taps, bounds, weights };
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function resizeAxis(src: Grey, outSize: number, horizontal: boolean): Grey {
  const inSize = horizontal ? src.width : src.height;
  const { taps, bounds, weights } = fixedPointTaps(inSize, outSize);
  const width = horizontal ? outSize : src.width;
  const height = horizontal ? src.height : outSize;
  const out = new Uint8Array(width * height);
  const data = src.data;
  // Stride between neighbouring taps, and between lines across the axis.
  const step = horizontal ? 1 : src.width;
  const lines = horizontal ? src.height : src.width;
  const lineStride = horizontal ? src.width : 1;
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < outSize; i++) {
      const first = bounds[i * 2]!;
      const count = bounds[i * 2 + 1]!;
      let acc = 1 << (PRECISION_BITS - 1);
      let p = line * lineStride + first * step;
      for (let t = 0; t < count; t++, p += step) acc += data[p]! * weights[i * taps + t]!;
      out[horizontal ? line * width + i : i * width + line] = clip8(acc);
    }
  }
  return { width, height, data: out };
}

/** Step 3b: Pillow's `resize(size, BICUBIC)` on an "L" image: horizontal pass, then vertical, fixed point. */
export function resizeBicubicPillow(src: Grey, size: Size): Grey {
  let out = src;
  if (size.width !== out.width) out = resizeAxis(out, size.width, true);
  if (size.height !== out.height) out = resizeAxis(out, size.height, false);
  return out;
}

/**
 * Steps 3c and 4 in one, as the reference does them:
 * alpha = floor(a · m / 255 · opacity + 1e-9), with m = 255 where there is no mask.
 * The result is held in `into` when given (which may already hold the
 * overlay), else in a new buffer: the overlay itself is never changed.
 */
export function applyMaskAndOpacity(overlay: Rgba, mask: Grey | undefined, opacity: number, into?: Uint8Array): Rgba {
  if (!mask && opacity === 1) return overlay;
  const { data } = rgbaIn(overlay, into);
  if (data.buffer !== overlay.data.buffer || data.byteOffset !== overlay.data.byteOffset) data.set(overlay.data);
  const m = mask?.data;
  for (let i = 3, p = 0; i < data.length; i += 4, p++) {
    data[i] = Math.floor(((data[i]! * (m ? m[p]! : 255)) / 255) * opacity + 1e-9);
  }
  return { ...overlay, data };
}

/** The rows and columns of `window` of a grey image. */
export function cropGrey(image: Grey, window: Rect): Grey {
  if (window.x === 0 && window.y === 0 && window.width === image.width && window.height === image.height) return image;
  const data = new Uint8Array(window.width * window.height);
  for (let row = 0; row < window.height; row++) {
    const start = (window.y + row) * image.width + window.x;
    data.set(image.data.subarray(start, start + window.width), row * window.width);
  }
  return { width: window.width, height: window.height, data };
}
