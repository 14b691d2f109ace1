import { rgba, rgbaIn, type Raster, type Rect, type Rgba, type Size } from './raster.js';
import { align16, kernelsFor } from './wasm/kernels.js';

/** A single-channel 8-bit image. */
export interface Grey {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Step 3a: flattens alpha onto black (Pillow's alpha_composite over opaque black),
 * then takes ITU-R 601 luma with Pillow's fixed point: (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
 * WebAssembly SIMD (mask_luma in wasm/kernels.c), integer arithmetic throughout.
 */
export function maskLuma(mask: Rgba): Grey {
  const pixels = mask.width * mask.height;
  const kernels = kernelsFor(pixels * 5);
  const { bytes } = kernels.reserve(pixels * 5);
  const grey = kernels.scratchStart + pixels * 4;
  bytes.set(mask.data, kernels.scratchStart);
  kernels.maskLuma(kernels.scratchStart, pixels, grey);
  return { width: mask.width, height: mask.height, data: bytes.slice(grey, grey + pixels) };
}

/**
 * Pillow's `convert("L")` of an RGB or RGBA image, alpha ignored: maskLuma's
 * arithmetic on an opaque copy, so both lumas are the one kernel.
 */
export function opaqueLuma(image: Raster): Grey {
  const pixels = image.width * image.height;
  const opaque = new Uint8Array(pixels * 4).fill(255);
  const { data, channels } = image;
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 4) {
    opaque[o] = data[i]!;
    opaque[o + 1] = data[i + 1]!;
    opaque[o + 2] = data[i + 2]!;
  }
  return maskLuma(rgba(image.width, image.height, opaque));
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

export interface FixedPointTaps {
  /** Coefficients held per output: the largest tap count, rounded up to 4 for the kernel; zero past each count. */
  readonly stride: number;
  readonly bounds: Int32Array; // per output: first source index, count
  readonly weights: Int32Array; // per output: `stride` fixed-point coefficients
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for one axis (support 2, antialiased when shrinking). */
export function fixedPointTaps(inSize: number, outSize: number): FixedPointTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const stride = (taps + 3) & ~3;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * stride);
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
      weights[i * stride + x] = w < 0 ? Math.trunc(-0.5 + fixed) : Math.trunc(0.5 + fixed);
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = count;
  }
  return { stride, bounds, weights };
}

/**
 * One pass of Pillow's fixed-point resize, along rows (horizontal) or columns.
 * The sums are WebAssembly SIMD (resample_horizontal and resample_vertical in
 * wasm/kernels.c): whole numbers, so the same bytes whatever the order. The image,
 * its tables and the result go into the kernel's memory whole, in an instance
 * of their own when large.
 */
function resizeAxis(src: Grey, outSize: number, horizontal: boolean): Grey {
  const { stride, bounds, weights } = fixedPointTaps(horizontal ? src.width : src.height, outSize);
  const width = horizontal ? outSize : src.width;
  const height = horizontal ? src.height : outSize;
  const offsets = { bounds: 0, weights: align16(bounds.length * 4), input: 0, output: 0, end: 0 };
  offsets.input = align16(offsets.weights + weights.length * 4);
  // Taps are read four at a time: up to 3 bytes past a row's last tap, with zero coefficients.
  offsets.output = align16(offsets.input + src.data.length + 16);
  offsets.end = offsets.output + width * height;
  const kernels = kernelsFor(offsets.end);
  const { bytes, ints } = kernels.reserve(offsets.end);
  const at = (offset: number) => kernels.scratchStart + offset;
  ints.set(bounds, at(offsets.bounds) >> 2);
  ints.set(weights, at(offsets.weights) >> 2);
  bytes.set(src.data, at(offsets.input));
  if (horizontal) {
    kernels.resampleHorizontal(at(offsets.input), src.width, src.height, at(offsets.output), width, at(offsets.bounds), at(offsets.weights), stride);
  } else {
    kernels.resampleVertical(at(offsets.input), src.width, at(offsets.output), height, at(offsets.bounds), at(offsets.weights), stride);
  }
  return { width, height, data: bytes.slice(at(offsets.output), at(offsets.end)) };
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
