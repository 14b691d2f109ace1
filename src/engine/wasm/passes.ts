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
