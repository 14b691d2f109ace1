// superimpose-local/matchers/vitest: toMatchGolden, and its type on vitest's expect.
// Brings vitest's declarations into the program, so that they can be augmented; kept in the .d.ts, absent from the JavaScript.
/// <reference types="vitest" preserve="true" />
import type { GoldenOptions } from './options.js';

export { toMatchGolden, type GoldenMatcherResult } from './to-match-golden.js';
export type { GoldenMatcherContext } from './context.js';
export type { GoldenOptions } from './options.js';

declare module 'vitest' {
  // Merged with vitest's Matchers<T = any>, so the same type parameter; its default comes from there.
  interface Matchers<T> {
    /** Compares an encoded image (PNG, JPEG, WebP) with `__goldens__/NAME.png` beside the test file. */
    toMatchGolden(name: string, options?: GoldenOptions): Promise<void>;
  }
}
