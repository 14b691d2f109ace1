import type { ImageComparison } from './compare.js';

/**
 * How far an image may be from its expectation. Exact when empty: any
 * difference in any channel of any pixel fails. `threshold` decides which
 * pixels count as different (beyond it in pixelmatch's YIQ colour distance, 0
 * to 1; without it, any difference); the bounds say how much may differ. With no bound given, no
 * pixel may count; with some, each one given must hold.
 */
export interface Tolerance {
  readonly threshold?: number;
  /** Pixels that may count as different. */
  readonly maxDiffPixels?: number;
  /** Share of the pixels (0 to 1) that may count as different. */
  readonly maxDiffRatio?: number;
  /** Mean absolute difference over every channel of every pixel, in levels (0 to 255). */
  readonly maxMeanError?: number;
}

export const EXACT: Tolerance = {};

export type ToleranceKey = keyof Tolerance;

/** Each field's range, for checking a tolerance from a case file or from flags. */
export const TOLERANCE_FIELDS: Readonly<Record<ToleranceKey, { readonly min: number; readonly max: number; readonly integer: boolean }>> = {
  threshold: { min: 0, max: 1, integer: false },
  maxDiffPixels: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  maxDiffRatio: { min: 0, max: 1, integer: false },
  maxMeanError: { min: 0, max: 255, integer: false },
};

const isToleranceKey = (key: string): key is ToleranceKey => key in TOLERANCE_FIELDS;

/** What a field takes: "number between 0 and 1", "integer of at least 0". */
export function toleranceExpectation(key: ToleranceKey): string {
  const { min, max, integer } = TOLERANCE_FIELDS[key];
  return `${integer ? 'integer' : 'number'} ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `between ${min} and ${max}`}`;
}

// NaN and Infinity as themselves, strings quoted, the rest as JSON.
const show = (value: unknown): string => (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value)));

/** Checks a tolerance, naming each field as `nameOf` says (a JSON key, a flag, an option); throws an Error naming the first bad one. */
export function parseTolerance(input: unknown, nameOf: (key: string) => string = (key) => key): Tolerance {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error(`Expected an object for ${nameOf('tolerance')} but received ${show(input)}`);
  const tolerance: Partial<Record<ToleranceKey, number>> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!isToleranceKey(key)) throw new Error(`Unknown field ${nameOf(key)}: a tolerance takes ${Object.keys(TOLERANCE_FIELDS).map(nameOf).join(', ')}`);
    if (value === undefined) continue;
    const { min, max, integer } = TOLERANCE_FIELDS[key];
    if (typeof value !== 'number' || !(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
      throw new Error(`Expected ${toleranceExpectation(key)} for ${nameOf(key)} but received ${show(value)}`);
    }
    tolerance[key] = value;
  }
  return tolerance;
}

/** Whether a tolerance bounds how much may differ; without a bound, no pixel may count. */
const hasBounds = ({ maxDiffPixels, maxDiffRatio, maxMeanError }: Tolerance): boolean => maxDiffPixels !== undefined || maxDiffRatio !== undefined || maxMeanError !== undefined;

/** Whether a comparison is within a tolerance; a size mismatch never is. */
export function withinTolerance(comparison: ImageComparison, tolerance: Tolerance): boolean {
  if (comparison.kind !== 'compared') return false;
  const { maxDiffPixels, maxDiffRatio, maxMeanError } = tolerance;
  if (!hasBounds(tolerance)) return comparison.diffPixels === 0;
  return (
    (maxDiffPixels === undefined || comparison.diffPixels <= maxDiffPixels) &&
    (maxDiffRatio === undefined || comparison.diffRatio <= maxDiffRatio) &&
    (maxMeanError === undefined || comparison.meanError <= maxMeanError)
  );
}

/** "exact", or the tolerance's terms: "threshold 0.1, at most 0.1% of pixels, mean error at most 0.5". */
export function describeTolerance(tolerance: Tolerance): string {
  if (!hasBounds(tolerance)) return tolerance.threshold === undefined ? 'exact' : `no pixel beyond threshold ${tolerance.threshold}`;
  const terms = [
    tolerance.threshold === undefined ? undefined : `threshold ${tolerance.threshold}`,
    tolerance.maxDiffPixels === undefined ? undefined : `at most ${tolerance.maxDiffPixels} pixels`,
    tolerance.maxDiffRatio === undefined ? undefined : `at most ${tolerance.maxDiffRatio * 100}% of pixels`,
    tolerance.maxMeanError === undefined ? undefined : `mean error at most ${tolerance.maxMeanError}`,
  ].filter((term) => term !== undefined);
  return terms.join(', ');
}
