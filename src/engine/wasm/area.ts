import type { Rect, Rgba } from '../raster.js';
import type { AreaWindows } from '../resample.js';
import { align16, kernelsFor } from './kernels.js';
import { forEachColumnPass } from './passes.js';

/**
 * Writes `window` of the area resize into `out` (RGBA, window-sized), in
 * passes over column ranges. A pass keeps each output column's float32 sums
 * in the kernel's memory and adds the source rows of an output row's window
 * one at a time, each copied in once for the columns the pass spans.
 */
export function areaWindow(src: Rgba, wx: AreaWindows, wy: AreaWindows, window: Rect, out: Uint8Array): void {
  forEachColumnPass(window, (first, end) => wx.end[end - 1]! - wx.start[first]!, (first, end) => areaPass(src, wx, wy, window, first, end, out));
}

/** Output columns first..end-1 of every window row. */
function areaPass(src: Rgba, wx: AreaWindows, wy: AreaWindows, window: Rect, first: number, end: number, out: Uint8Array): void {
  const count = end - first;
  const spanStart = wx.start[first]!;
  const spanBytes = (wx.end[end - 1]! - spanStart) * 4;
  const layout = { x0: 0, x1: count * 4, kw: count * 8, sums: align16(count * 12), row: 0, out: 0, bytes: 0 };
  layout.row = layout.sums + count * 16;
  layout.out = align16(layout.row + spanBytes);
  layout.bytes = layout.out + count * 4;
  const { scratchStart, reserve, areaAddRow, areaStore } = kernelsFor(layout.bytes);
  const at = (offset: number) => scratchStart + offset;
  const { bytes, ints, floats } = reserve(layout.bytes);
  for (let i = 0; i < count; i++) {
    ints[(at(layout.x0) >> 2) + i] = (wx.start[first + i]! - spanStart) * 4;
    ints[(at(layout.x1) >> 2) + i] = (wx.end[first + i]! - spanStart) * 4;
    floats[(at(layout.kw) >> 2) + i] = wx.end[first + i]! - wx.start[first + i]!;
  }
  const sums = at(layout.sums) >> 2;
  const rowStride = src.width * 4;
  for (let y = 0; y < window.height; y++) {
    const y0 = wy.start[window.y + y]!;
    const y1 = wy.end[window.y + y]!;
    floats.fill(0, sums, sums + count * 4);
    for (let row = y0; row < y1; row++) {
      const start = row * rowStride + spanStart * 4;
      bytes.set(src.data.subarray(start, start + spanBytes), at(layout.row));
      areaAddRow(at(layout.row), at(layout.x0), at(layout.x1), count, at(layout.sums));
    }
    areaStore(at(layout.sums), y1 - y0, at(layout.kw), count, at(layout.out));
    out.set(bytes.subarray(at(layout.out), at(layout.out) + count * 4), (y * window.width + first - window.x) * 4);
  }
}
