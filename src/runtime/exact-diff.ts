// The engine's exact image comparison, for the layers above that may not import the engine.
export { exactDiff, type ExactDifference } from '../engine/exact-diff.js';
