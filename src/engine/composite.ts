import { loadKernels } from './wasm/kernels.js';
import type { Raster, Rect, Rgba, Size } from './raster.js';

/** Step 6: the part of an overlay placed at (x, y) that falls on the base, in base coordinates; undefined when none does. */
export function clipPlacement(base: Size, overlay: Size, x: number, y: number): Rect | undefined {
  const left = Math.max(x, 0);
  const top = Math.max(y, 0);
  const right = Math.min(x + overlay.width, base.width);
  const bottom = Math.min(y + overlay.height, base.height);
  if (right <= left || bottom <= top) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Columns per kernel call: bounds the kernel's scratch memory, which never shrinks. */
const MAX_ROW_PIXELS = 8192;

/**
 * Step 7: source-over with Pillow's integer `alpha_composite`, in place on the
 * base, over the clipped rectangle only. An RGB base counts as opaque. The
 * pixel loop is WebAssembly (composite_row in wasm/kernels.c): each row of
 * the rectangle is copied in, composited and copied back.
 */
export function compositeOver(base: Raster, overlay: Rgba, x: number, y: number): void {
  const rect = clipPlacement(base, overlay, x, y);
  if (!rect) return;
  const { scratchStart, reserve, compositeRow } = loadKernels();
  const channels = base.channels;
  const columns = Math.min(rect.width, MAX_ROW_PIXELS);
  const dstAt = scratchStart + columns * 4;
  const { bytes } = reserve(columns * (4 + channels));
  for (let first = 0; first < rect.width; first += columns) {
    const count = Math.min(columns, rect.width - first);
    for (let row = 0; row < rect.height; row++) {
      const d = ((rect.y + row) * base.width + rect.x + first) * channels;
      const s = ((rect.y + row - y) * overlay.width + rect.x + first - x) * 4;
      bytes.set(overlay.data.subarray(s, s + count * 4), scratchStart);
      bytes.set(base.data.subarray(d, d + count * channels), dstAt);
      compositeRow(scratchStart, dstAt, count, channels);
      base.data.set(bytes.subarray(dstAt, dstAt + count * channels), d);
    }
  }
}
