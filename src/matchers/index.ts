// superimpose-local/matchers: `expect.extend({ toMatchGolden })` in vitest or jest.
export { toMatchGolden, type GoldenMatcherResult } from './to-match-golden.js';
export type { GoldenMatcherContext } from './context.js';
export type { GoldenOptions } from './options.js';
