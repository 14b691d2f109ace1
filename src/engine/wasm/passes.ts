import type { Rect } from '../raster.js';

/**
 * Bounds on one resampling pass, because the shared kernel memory never
 * shrinks: output columns, and source pixels per row copied in. A pass then
 * holds at most a few MB however large the overlay.
 */
export const MAX_PASS_COLUMNS = 4096;
export const MAX_PASS_SPAN = 1 << 20;

/**
 * Splits `window`'s columns into passes of at most MAX_PASS_COLUMNS whose
 * source span (`span(first, end)`, in pixels) is at most MAX_PASS_SPAN,
 * halving a pass until it fits; a single column that spans more goes alone.
 */
export function forEachColumnPass(window: Rect, span: (first: number, end: number) => number, pass: (first: number, end: number) => void): void {
  const xEnd = window.x + window.width;
  for (let first = window.x; first < xEnd; ) {
    let end = Math.min(first + MAX_PASS_COLUMNS, xEnd);
    while (end - first > 1 && span(first, end) > MAX_PASS_SPAN) end = first + ((end - first) >> 1);
    pass(first, end);
    first = end;
  }
}

/**
 * Splits `rect`'s pixels, row-major, into runs of at most `maxPixels`: whole
 * rows while one fits, else pieces of a row. A run is contiguous in a
 * rect-sized row-major buffer, from pixel `offset`.
 */
export function forEachRun(rect: Rect, maxPixels: number, run: (part: Rect, offset: number) => void): void {
  if (rect.width <= 0 || rect.height <= 0) return;
  if (rect.width <= maxPixels) {
    const rows = Math.floor(maxPixels / rect.width);
    for (let top = 0; top < rect.height; top += rows) run({ x: rect.x, y: rect.y + top, width: rect.width, height: Math.min(rows, rect.height - top) }, top * rect.width);
    return;
  }
  for (let row = 0; row < rect.height; row++) {
    for (let left = 0; left < rect.width; left += maxPixels) {
      run({ x: rect.x + left, y: rect.y + row, width: Math.min(maxPixels, rect.width - left), height: 1 }, row * rect.width + left);
    }
  }
}
