// The exact image comparison, for src/golden, which stands on the library layer.
export { exactDiff, type ExactDifference } from '../runtime/exact-diff.js';
