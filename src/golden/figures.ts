import type { ImageComparison } from './compare.js';

/**
 * The reports' one reading of a comparison's fields (--json, --report): a
 * change to ImageComparison is adapted here and nowhere else.
 */

export interface Figures {
  /** Pixels judged different at the case's threshold. */
  readonly diffPixels: number | null;
  /** Largest channel difference, in levels (0 to 255). */
  readonly maxError: number | null;
  /** Mean absolute channel difference, in levels. */
  readonly meanError: number | null;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The figures of a comparison; a size mismatch compared no pixels, so it has none. */
export function figures(comparison: ImageComparison): Figures {
  if (comparison.kind === 'size-mismatch') return { diffPixels: null, maxError: null, meanError: null };
  return { diffPixels: comparison.diffPixels, maxError: comparison.maxError, meanError: comparison.meanError };
}

/** Both sizes when they differ; undefined when the images were compared pixel by pixel. */
export function sizeMismatch(comparison: ImageComparison): { readonly actual: Size; readonly expected: Size } | undefined {
  return comparison.kind === 'size-mismatch' ? { actual: comparison.actual, expected: comparison.expected } : undefined;
}

/** The diff picture (PNG) of a comparison; none for a size mismatch. */
export function diffImage(comparison: ImageComparison): Buffer | undefined {
  return comparison.kind === 'compared' ? comparison.diffPng() : undefined;
}
