// superimpose-local/matchers/jest: toMatchGolden, and its type on jest's expect (the one @jest/globals exports).
// Brings expect's declarations into the program, so that they can be augmented; kept in the .d.ts, absent from the JavaScript.
/// <reference types="expect" preserve="true" />
import type { GoldenOptions } from './options.js';

export { toMatchGolden, type GoldenMatcherResult } from './to-match-golden.js';
export type { GoldenMatcherContext } from './context.js';
export type { GoldenOptions } from './options.js';

declare module 'expect' {
  interface Matchers<R> {
    /** Compares an encoded image (PNG, JPEG, WebP) with `__goldens__/NAME.png` beside the test file. */
    toMatchGolden(name: string, options?: GoldenOptions): Promise<R>;
  }
}

declare global {
  // The global expect that @types/jest declares; merged with its Matchers<R, T = {}>, so the same type parameters.
  namespace jest {
    interface Matchers<R, T = {}> {
      /** Compares an encoded image (PNG, JPEG, WebP) with `__goldens__/NAME.png` beside the test file. */
      toMatchGolden(name: string, options?: GoldenOptions): Promise<R>;
    }
  }
}
