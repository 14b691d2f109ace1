import { rgbaIn, type Rect, type Rgba, type Size } from './raster.js';
import { areaWindow } from './wasm/area.js';
import { bilinearWindow } from './wasm/bilinear.js';
import { nearestWindow } from './wasm/nearest.js';

/**
 * Resamplers with the exact numbers of PyTorch's `interpolate` (CPU, torch 1.13,
 * align_corners=False, no antialias) on a channels-last premultiplied float32
 * RGBA tensor, converted back to bytes as the reference does. Each builds
 * per-axis tables once and makes one pass over the output; the pixel loops are
 * WebAssembly kernels (wasm/kernels.c), held byte for byte by the tests to the
 * scalar JavaScript in test/helpers/*-reference.ts.
 */
export const RESIZE_METHODS = ['nearest-exact', 'bilinear', 'area'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];

const f32 = Math.fround;

/** torch's `float(in) / out`, a float32. */
function scaleOf(inSize: number, outSize: number): number {
  return f32(inSize / outSize);
}

/** nearest-exact: source index min(floor(float32((i + 0.5) · s)), in − 1). */
export function nearestExactIndices(inSize: number, outSize: number): Int32Array {
  const scale = scaleOf(inSize, outSize);
  const indices = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) indices[i] = Math.min(Math.floor(f32((i + 0.5) * scale)), inSize - 1);
  return indices;
}

export interface LinearTaps {
  readonly index0: Int32Array;
  readonly index1: Int32Array;
  readonly weight0: Float32Array;
  readonly weight1: Float32Array;
}

/**
 * bilinear: source coordinate max((i + 0.5) · s − 0.5, 0) in double from the
 * float32 scale; λ1 = float32(coordinate − index0), λ0 = float32(1 − λ1).
 */
export function linearTaps(inSize: number, outSize: number): LinearTaps {
  const scale = scaleOf(inSize, outSize);
  const index0 = new Int32Array(outSize);
  const index1 = new Int32Array(outSize);
  const weight0 = new Float32Array(outSize);
  const weight1 = new Float32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const source = Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.trunc(source);
    const lambda1 = f32(source - i0);
    index0[i] = i0;
    index1[i] = Math.min(i0 + 1, inSize - 1);
    weight1[i] = lambda1;
    weight0[i] = 1 - lambda1;
  }
  return { index0, index1, weight0, weight1 };
}

export interface AreaWindows {
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** Adaptive average pooling windows: floor(i·in/out) to ceil((i+1)·in/out), in float32 as torch computes them. */
export function areaWindows(inSize: number, outSize: number): AreaWindows {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor(f32(f32(i * inSize) / outSize));
    end[i] = Math.ceil(f32(f32((i + 1) * inSize) / outSize));
  }
  return { start, end };
}

/**
 * A resampler planned for one source and output size: its tables are built
 * once, and each call computes only `window`, a rectangle of the full output.
 * Each output pixel depends on its own coordinates alone, so a window holds
 * exactly the pixels the whole output would have there. `into`, when given,
 * holds the result instead of a new buffer.
 */
export type WindowResampler = (window: Rect, into?: Uint8Array) => Rgba;

/**
 * A planner from a per-axis table and a kernel driver: the tables are built
 * once, here, and each call has `fill` write its window from them.
 */
function planWindows<Table>(
  src: Rgba,
  size: Size,
  tables: (inSize: number, outSize: number) => Table,
  fill: (src: Rgba, xTable: Table, yTable: Table, window: Rect, out: Uint8Array) => void,
): WindowResampler {
  const xTable = tables(src.width, size.width);
  const yTable = tables(src.height, size.height);
  return (window, into) => {
    const out = rgbaIn(window, into);
    fill(src, xTable, yTable, window, out.data);
    return out;
  };
}

/**
 * The resampler of each method: a per-axis table, built once, and its
 * kernel driver, which writes each window from the tables.
 * - nearest-exact: each output pixel is one source pixel through the
 *   premultiplied round trip (nearest_row in wasm/kernels.c, driven by
 *   wasm/nearest.ts); an output row whose source row repeats is copied.
 * - bilinear: weights are float32 products λy·λx; each 4-tap sum is taken in
 *   double in tap order and rounded to float32 once, then divided by alpha in
 *   float32 (bilinear_row, SIMD, driven by wasm/bilinear.ts). Where the four
 *   taps are one pixel, as in the flat regions of logos, one exact product
 *   replaces the four-tap sum.
 * - area: sums each window in float32, row by row and left to right, then
 *   divides by its height and then by its width (area_add_row and area_store,
 *   SIMD with one float32 lane per channel, driven by wasm/area.ts).
 * Each kernel does the same IEEE operations as the scalar arithmetic it replaced.
 */
export const RESAMPLE_PLANNERS: Record<ResizeMethod, (src: Rgba, size: Size) => WindowResampler> = {
  'nearest-exact': (src, size) => planWindows(src, size, nearestExactIndices, nearestWindow),
  bilinear: (src, size) => planWindows(src, size, linearTaps, bilinearWindow),
  area: (src, size) => planWindows(src, size, areaWindows, areaWindow),
};
