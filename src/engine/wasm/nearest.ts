import type { Rect, Rgba } from '../raster.js';
import { align16, loadKernels } from './kernels.js';
import { forEachColumnPass } from './passes.js';

/**
 * Writes `window` of the nearest-exact resize into `out` (RGBA, window-sized),
 * given each output column's and row's source index, in passes over column
 * ranges. An output row whose source row is the previous one's is a copy of it.
 */
export function nearestWindow(src: Rgba, xs: Int32Array, ys: Int32Array, window: Rect, out: Uint8Array): void {
  forEachColumnPass(window, (first, end) => xs[end - 1]! - xs[first]! + 1, (first, end) => nearestPass(src, xs, ys, window, first, end, out));
}

/** Output columns first..end-1 of every window row. */
function nearestPass(src: Rgba, xs: Int32Array, ys: Int32Array, window: Rect, first: number, end: number, out: Uint8Array): void {
  const { scratchStart, reserve, nearestRow } = loadKernels();
  const count = end - first;
  const spanStart = xs[first]!;
  const spanBytes = (xs[end - 1]! - spanStart + 1) * 4;
  const x = scratchStart;
  const row = align16(x + count * 4);
  const result = align16(row + spanBytes);
  const { bytes, ints } = reserve(result + count * 4 - scratchStart);
  for (let i = 0; i < count; i++) ints[(x >> 2) + i] = (xs[first + i]! - spanStart) * 4;

  const rowStride = src.width * 4;
  const outStride = window.width * 4;
  const passBytes = count * 4;
  for (let y = 0; y < window.height; y++) {
    const at = y * outStride + (first - window.x) * 4;
    const sourceRow = ys[window.y + y]!;
    if (y > 0 && sourceRow === ys[window.y + y - 1]) {
      out.copyWithin(at, at - outStride, at - outStride + passBytes);
      continue;
    }
    const start = sourceRow * rowStride + spanStart * 4;
    bytes.set(src.data.subarray(start, start + spanBytes), row);
    nearestRow(row, x, count, result);
    out.set(bytes.subarray(result, result + passBytes), at);
  }
}
