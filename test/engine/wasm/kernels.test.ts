import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS_SOURCE_SHA256 } from '../../../src/engine/wasm/kernels-module.js';

describe('WebAssembly kernels', () => {
  it('were built from the kernels.c in the tree (run node tools/wasm/build.mjs after editing it)', () => {
    const source = readFileSync(new URL('../../../src/engine/wasm/kernels.c', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(KERNELS_SOURCE_SHA256);
  });
});
