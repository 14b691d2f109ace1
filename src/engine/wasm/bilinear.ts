import type { Rect, Rgba } from '../raster.js';
import type { LinearTaps } from '../resample.js';
import { align16, loadKernels } from './kernels.js';
import { forEachColumnPass } from './passes.js';

/**
 * Looking for flat pixels (four equal taps) pays where at least one in
 * FLAT_SHARE is; every FLAT_SAMPLE_ROWS rows, one row is counted to decide.
 */
const FLAT_SHARE = 8;
const FLAT_SAMPLE_ROWS = 16;

/**
 * Writes `window` of the bilinear resize into `out` (RGBA, window-sized),
 * in passes over column ranges; each source row a pass needs is copied into
 * the kernel's memory once, the columns it spans only.
 */
export function bilinearWindow(src: Rgba, tx: LinearTaps, ty: LinearTaps, window: Rect, out: Uint8Array): void {
  // A column spans at most two source pixels, so every pass fits.
  forEachColumnPass(window, (first, end) => tx.index1[end - 1]! - tx.index0[first]! + 1, (first, end) => bilinearPass(src, tx, ty, window, first, end, out));
}

/** Output columns first..end-1 of every window row. */
function bilinearPass(src: Rgba, tx: LinearTaps, ty: LinearTaps, window: Rect, first: number, end: number, out: Uint8Array): void {
  const { scratchStart, reserve, bilinearRow, bilinearRowFlat, bilinearFlatCount } = loadKernels();
  const count = end - first;
  const spanStart = tx.index0[first]!;
  const spanBytes = (tx.index1[end - 1]! - spanStart + 1) * 4;

  const x0 = scratchStart;
  const x1 = x0 + count * 4;
  const wx0 = x1 + count * 4;
  const wx1 = wx0 + count * 4;
  const slots = [align16(wx1 + count * 4), 0];
  slots[1] = align16(slots[0]! + spanBytes);
  const row = align16(slots[1] + spanBytes);
  const { bytes, ints, floats } = reserve(row + count * 4 - scratchStart);
  for (let i = 0; i < count; i++) {
    ints[(x0 >> 2) + i] = (tx.index0[first + i]! - spanStart) * 4;
    ints[(x1 >> 2) + i] = (tx.index1[first + i]! - spanStart) * 4;
  }
  floats.set(tx.weight0.subarray(first, end), wx0 >> 2);
  floats.set(tx.weight1.subarray(first, end), wx1 >> 2);

  // Source rows come in non-decreasing order, so two slots suffice.
  const slotRows = [-1, -1];
  const rowStride = src.width * 4;
  const slotFor = (sourceRow: number, keep: number): number => {
    if (slotRows[0] === sourceRow) return slots[0]!;
    if (slotRows[1] === sourceRow) return slots[1]!;
    const slot = slotRows[0] === keep ? 1 : 0;
    const start = sourceRow * rowStride + spanStart * 4;
    bytes.set(src.data.subarray(start, start + spanBytes), slots[slot]!);
    slotRows[slot] = sourceRow;
    return slots[slot]!;
  };
  let findFlat = false;
  for (let y = 0; y < window.height; y++) {
    const r0 = ty.index0[window.y + y]!;
    const r1 = ty.index1[window.y + y]!;
    const row0 = slotFor(r0, r1);
    const row1 = slotFor(r1, r0);
    if (y % FLAT_SAMPLE_ROWS === 0) findFlat = bilinearFlatCount(row0, row1, x0, x1, count) * FLAT_SHARE >= count;
    (findFlat ? bilinearRowFlat : bilinearRow)(row0, row1, ty.weight0[window.y + y]!, ty.weight1[window.y + y]!, x0, x1, wx0, wx1, count, row);
    out.set(bytes.subarray(row, row + count * 4), (y * window.width + first - window.x) * 4);
  }
}
