/**
 * How far an image may be from its golden, under the names Playwright and
 * jest-image-snapshot use. Exact when empty: one level of one channel of one
 * pixel fails. `threshold` decides which pixels count (pixelmatch's YIQ
 * distance, 0 to 1); the bounds say how much may differ. With no bound given
 * no pixel may count; with some, each one given must hold.
 */
export interface GoldenOptions {
  /** pixelmatch's YIQ colour distance above which a pixel counts as different, 0 to 1; 0 (the default) counts any difference. */
  readonly threshold?: number;
  /** Pixels that may count as different. */
  readonly maxDiffPixels?: number;
  /** Share of all pixels (0 to 1) that may count as different. */
  readonly maxDiffPixelRatio?: number;
  /** Mean absolute difference over every channel of every pixel, in levels (0 to 255). */
  readonly maxMeanError?: number;
}

type OptionKey = keyof GoldenOptions;

const FIELDS: Readonly<Record<OptionKey, { readonly min: number; readonly max: number; readonly integer: boolean }>> = {
  threshold: { min: 0, max: 1, integer: false },
  maxDiffPixels: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  maxDiffPixelRatio: { min: 0, max: 1, integer: false },
  maxMeanError: { min: 0, max: 255, integer: false },
};

const isOptionKey = (key: string): key is OptionKey => Object.hasOwn(FIELDS, key);

const expectation = ({ min, max, integer }: (typeof FIELDS)[OptionKey]): string =>
  `${integer ? 'integer' : 'number'} ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`}`;

// NaN and Infinity as themselves, strings quoted, objects as JSON.
const show = (value: unknown): string => (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));

/** Checks the options a test passed; throws an Error naming the first bad one ("Expected number between 0 and 1 for threshold but received 2"). */
export function parseGoldenOptions(input: unknown): GoldenOptions {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError(`Expected an options object but received ${show(input)}`);
  const options: Partial<Record<OptionKey, number>> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!isOptionKey(key)) throw new TypeError(`Unknown option ${key}: toMatchGolden takes ${Object.keys(FIELDS).join(', ')}`);
    if (value === undefined) continue;
    const field = FIELDS[key];
    if (typeof value !== 'number' || !(value >= field.min && value <= field.max) || (field.integer && !Number.isInteger(value))) {
      throw new RangeError(`Expected ${expectation(field)} for ${key} but received ${show(value)}`);
    }
    options[key] = value;
  }
  return options;
}

/** What a comparison found, in the figures the bounds are about. */
export interface Figures {
  readonly pixels: number;
  readonly diffPixels: number;
  readonly meanError: number;
}

const hasBounds = ({ maxDiffPixels, maxDiffPixelRatio, maxMeanError }: GoldenOptions): boolean =>
  maxDiffPixels !== undefined || maxDiffPixelRatio !== undefined || maxMeanError !== undefined;

export function withinOptions(figures: Figures, options: GoldenOptions): boolean {
  const { maxDiffPixels, maxDiffPixelRatio, maxMeanError } = options;
  if (!hasBounds(options)) return figures.diffPixels === 0;
  return (
    (maxDiffPixels === undefined || figures.diffPixels <= maxDiffPixels) &&
    (maxDiffPixelRatio === undefined || figures.diffPixels / figures.pixels <= maxDiffPixelRatio) &&
    (maxMeanError === undefined || figures.meanError <= maxMeanError)
  );
}

/** "exact", or the terms allowed: "threshold 0.1, at most 2 pixels, mean error at most 0.5". */
export function describeOptions(options: GoldenOptions): string {
  const threshold = options.threshold ? `threshold ${options.threshold}` : undefined;
  if (!hasBounds(options)) return threshold ? `no pixel beyond ${threshold}` : 'exact';
  return [
    threshold,
    options.maxDiffPixels === undefined ? undefined : `at most ${options.maxDiffPixels} pixels`,
    options.maxDiffPixelRatio === undefined ? undefined : `at most ${options.maxDiffPixelRatio * 100}% of pixels`,
    options.maxMeanError === undefined ? undefined : `mean error at most ${options.maxMeanError}`,
  ]
    .filter((term) => term !== undefined)
    .join(', ');
}
