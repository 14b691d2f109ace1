import { describe, expect, it } from 'vitest';
import { maskLuma, resizeBicubicPillow, type Grey } from '../../../src/engine/mask.js';
import { rgba } from '../../../src/engine/raster.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { referenceMaskLuma, referenceResizeBicubicPillow } from '../../helpers/mask-reference.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { firstDifference, random } from '../../helpers/random.js';

const KINDS = ['noise', 'extremes', 'flat'] as const;

function randomGrey(next: () => number, width: number, height: number, kind: (typeof KINDS)[number]): Grey {
  const level = Math.floor(next() * 256);
  // Extremes (0 and 255 side by side) make the cubic overshoot, so clip8 clips both ways.
  const data = Uint8Array.from({ length: width * height }, () => (kind === 'noise' ? Math.floor(next() * 256) : kind === 'extremes' ? (next() < 0.5 ? 0 : 255) : level));
  return { width, height, data };
}

describe('mask luma WebAssembly kernel', () => {
  it('gives the reference byte for every colour at every alpha', () => {
    // Pixel (c, a) has colour c and alpha a in every channel order; 65 537 pixels, so the scalar tail runs too.
    const image = rgba(256 * 256 + 1, 1);
    for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) image.data.set([c, 255 - c, c ^ a, a], (a * 256 + c) * 4);
    image.data.set([200, 100, 50, 77], 256 * 256 * 4);
    expect(firstDifference(maskLuma(image).data, referenceMaskLuma(image).data)).toBe(-1);
  });

  it('gives the reference bytes on random masks of every width modulo 4, and on one too large for the shared scratch area', () => {
    const next = random(77);
    for (const [width, height] of [[1, 1], [2, 3], [3, 5], [5, 7], [64, 33], [1500, 1500]] as const) {
      const image = rgba(width, height);
      for (let i = 0; i < image.data.length; i++) image.data[i] = Math.floor(next() * 256);
      expect(firstDifference(maskLuma(image).data, referenceMaskLuma(image).data), `${width}x${height}`).toBe(-1);
    }
  });
});

describe('mask resize WebAssembly kernels', () => {
  it('give the scalar reference bytes on 500 random masks and sizes, shrinking and enlarging', () => {
    const next = random(20261121);
    for (let round = 0; round < 500; round++) {
      const kind = KINDS[round % 3]!;
      const src = randomGrey(next, 1 + Math.floor(next() * 70), 1 + Math.floor(next() * 70), kind);
      const size = { width: 1 + Math.floor(next() * 90), height: 1 + Math.floor(next() * 90) };
      const at = firstDifference(resizeBicubicPillow(src, size).data, referenceResizeBicubicPillow(src, size).data);
      expect({ round, kind, src: [src.width, src.height], size, at }).toEqual({ round, kind, src: [src.width, src.height], size, at: -1 });
    }
  });

  it('give the reference bytes on hard shrinks, whose windows hold dozens of taps', () => {
    const next = random(3);
    const src = randomGrey(next, 613, 487, 'extremes');
    for (const size of [{ width: 7, height: 5 }, { width: 1, height: 1 }, { width: 61, height: 400 }]) {
      expect(firstDifference(resizeBicubicPillow(src, size).data, referenceResizeBicubicPillow(src, size).data), `${size.width}x${size.height}`).toBe(-1);
    }
  });

  it('resize a mask too large for the shared scratch area in an instance of its own', () => {
    const shared = loadKernels();
    const src = randomGrey(random(9), 3001, 3000, 'noise'); // 9 MB
    const size = { width: 1234, height: 2345 };
    expect(firstDifference(resizeBicubicPillow(src, size).data, referenceResizeBicubicPillow(src, size).data)).toBe(-1);
    expectSharedScratchWithinBudget(shared);
  });
});
