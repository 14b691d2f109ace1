import { wholeOf, type Rect, type Rgba, type Size } from '../../src/engine/raster.js';
import type { WindowResampler } from '../../src/engine/resample.js';
import { randomCases, type CaseLabel, type KernelCase, type KernelTest } from './kernel-cases.js';
import { alphaKindFor, randomOverlay, randomWindow, type AlphaKind } from './random.js';

type Planner = (src: Rgba, size: Size) => WindowResampler;
type Reference = (src: Rgba, size: Size, window: Rect) => Rgba;

/** A resampling case: `src` resized to `size`, on `window` of the output (all of it unless given). */
export type ResampleCase = (label: CaseLabel, src: Rgba, size: Size, window?: Rect) => KernelCase;

/** Cases that hold the resampler `plan` to its scalar reference. */
export const resampleAgainst =
  (plan: Planner, reference: Reference): ResampleCase =>
  (label, src, size, window = wholeOf(size)) => ({
    label,
    kernel: () => plan(src, size)(window).data,
    reference: () => reference(src, size, window).data,
  });

export interface RandomResizes {
  readonly seed: number;
  readonly rounds: number;
  /** The largest source side and the largest output side drawn. */
  readonly maxSource: number;
  readonly maxOutput: number;
  /** Draws the source of the given size; random pixels unless given. */
  readonly source?: (next: () => number, width: number, height: number, alphaKind: AlphaKind, round: number) => Rgba;
  /** What the sources are, for the test's name, when `source` draws more than noise. */
  readonly sourceKinds?: string;
}

/**
 * The row of a resampler's table for `rounds` random resizes, shrinking,
 * enlarging or both at once: alpha kinds in turn, a source up to maxSource a
 * side, an output up to maxOutput a side, and a random window of it.
 */
export function randomResizeTest(resample: ResampleCase, { seed, rounds, maxSource, maxOutput, source = randomOverlay, sourceKinds }: RandomResizes): KernelTest {
  return {
    name: `gives the scalar reference bytes on ${rounds} random overlays${sourceKinds ? `, ${sourceKinds}` : ''}, sizes and windows`,
    cases: () =>
      randomCases(seed, rounds, (next, round) => {
        const alphaKind = alphaKindFor(round);
        const width = 1 + Math.floor(next() * maxSource);
        const height = 1 + Math.floor(next() * maxSource);
        const src = source(next, width, height, alphaKind, round);
        const size = { width: 1 + Math.floor(next() * maxOutput), height: 1 + Math.floor(next() * maxOutput) };
        const window = randomWindow(next, size);
        return resample({ alphaKind, src: [width, height], size, window }, src, size, window);
      }),
  };
}
