import { EXACT, parseTolerance, type Tolerance, type ToleranceKey } from '../golden/tolerance.js';

/**
 * How far an image may be from its golden, under the names Playwright and
 * jest-image-snapshot use. Exact when empty: one level of one channel of one
 * pixel fails. `threshold` decides which pixels count; the bounds say how much
 * may differ. With no bound given no pixel may count; with some, each one
 * given must hold. The golden tolerance (src/golden/tolerance.ts) under other names.
 */
export interface GoldenOptions {
  /** Count a pixel only when its YIQ colour distance (pixelmatch's, 0 to 1) exceeds this; without it, any difference counts. */
  readonly threshold?: number;
  /** Pixels that may count as different. */
  readonly maxDiffPixels?: number;
  /** Share of all pixels (0 to 1) that may count as different. */
  readonly maxDiffPixelRatio?: number;
  /** Mean absolute difference over every channel of every pixel, in levels (0 to 255). */
  readonly maxMeanError?: number;
}

const TOLERANCE_KEY_OF: Readonly<Record<keyof GoldenOptions, ToleranceKey>> = {
  threshold: 'threshold',
  maxDiffPixels: 'maxDiffPixels',
  maxDiffPixelRatio: 'maxDiffRatio',
  maxMeanError: 'maxMeanError',
};
const OPTION_OF = Object.fromEntries(Object.entries(TOLERANCE_KEY_OF).map(([option, key]) => [key, option])) as Readonly<Record<string, string>>;

const isOption = (key: string): key is keyof GoldenOptions => Object.hasOwn(TOLERANCE_KEY_OF, key);

/** Checks the options a test passed, as the tolerance they name; throws an Error naming the first bad one ("Expected number between 0 and 1 for threshold but received 2"). */
export function parseGoldenOptions(input: unknown): Tolerance {
  if (input === undefined) return EXACT;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError(`Expected an options object but received ${JSON.stringify(input) ?? String(input)}`);
  const renamed: Record<string, unknown> = {};
  for (const [option, value] of Object.entries(input)) {
    if (!isOption(option)) throw new TypeError(`Unknown option ${option}: toMatchGolden takes ${Object.keys(TOLERANCE_KEY_OF).join(', ')}`);
    renamed[TOLERANCE_KEY_OF[option]] = value;
  }
  return parseTolerance(renamed, (key) => OPTION_OF[key] ?? key);
}
