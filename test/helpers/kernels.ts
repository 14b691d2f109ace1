import { expect } from 'vitest';
import { SHARED_SCRATCH_BYTES, type Kernels } from '../../src/engine/wasm/kernels.js';

/** The shared kernel instance's memory never grows past its scratch budget (in whole 64 KiB pages). */
export function expectSharedScratchWithinBudget(shared: Kernels): void {
  expect(shared.reserve(0).bytes.length).toBeLessThanOrEqual(Math.ceil((shared.scratchStart + SHARED_SCRATCH_BYTES) / 65536) * 65536);
}
