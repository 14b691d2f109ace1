// superimpose-local/matchers/vitest: toMatchGolden, and its type on vitest's expect.
// Brings vitest's declarations into the program, so that they can be augmented; kept in the .d.ts, absent from the JavaScript.
/// <reference types="vitest" preserve="true" />
import type { GoldenOptions } from './options.js';

export { toMatchGolden, type GoldenMatcherResult } from './to-match-golden.js';
export type { GoldenMatcherContext } from './context.js';
export type { GoldenOptions } from './options.js';

declare module 'vitest' {
  // vitest declares Matchers<T = any>; a merged declaration must repeat its type parameters exactly.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  interface Matchers<T = any> {
    /** Compares an encoded image (PNG, JPEG, WebP) with `__goldens__/NAME.png` beside the test file. */
    toMatchGolden(name: string, options?: GoldenOptions): Promise<void>;
  }
}
