import { describe, expect, it } from 'vitest';
import { rgba, type Rect } from '../../../src/engine/raster.js';
import { planBilinear } from '../../../src/engine/resample.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { referenceBilinear } from '../../helpers/bilinear-reference.js';
import { ALPHA_KINDS, firstDifference, random, randomBlocks, randomOverlay, randomWindow } from '../../helpers/random.js';

describe('bilinear WebAssembly kernel', () => {
  it('gives the scalar reference bytes on 600 random overlays, sizes and windows', () => {
    const next = random(20261121);
    for (let round = 0; round < 600; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const src = randomOverlay(next, 1 + Math.floor(next() * 48), 1 + Math.floor(next() * 48), alphaKind);
      const size = { width: 1 + Math.floor(next() * 96), height: 1 + Math.floor(next() * 96) };
      const window = randomWindow(next, size);
      const at = firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data);
      expect({ round, alphaKind, src: [src.width, src.height], size, window, at }).toEqual({ round, alphaKind, src: [src.width, src.height], size, window, at: -1 });
    }
  });

  it('gives the scalar reference bytes on 600 random overlays of flat blocks, shrunk and enlarged', () => {
    // Flat 2x2 neighbourhoods take the kernel's one-product path; the output
    // sizes bring every kind of weight, including those under 2^-5 that must not.
    const next = random(5150);
    for (let round = 0; round < 600; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const src = randomBlocks(next, 1 + Math.floor(next() * 64), 1 + Math.floor(next() * 64), alphaKind, 12, 24);
      const scale = () => 0.1 + next() * 3.9;
      const size = { width: Math.max(1, Math.round(src.width * scale())), height: Math.max(1, Math.round(src.height * scale())) };
      const window: Rect = { x: 0, y: 0, ...size };
      const at = firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data);
      expect({ round, alphaKind, src: [src.width, src.height], size, at }).toEqual({ round, alphaKind, src: [src.width, src.height], size, at: -1 });
    }
  });

  it('gives the reference bytes for every flat colour at ten alphas, over many weights', () => {
    // Each colour fills three columns of two rows, so most output pixels are flat;
    // output widths from 0.4 to 3 per source column and 2 to 9 rows give a spread of weights.
    for (const alpha of [0, 1, 2, 3, 64, 127, 128, 200, 254, 255]) {
      const src = rgba(3 * 256, 2);
      for (let x = 0; x < src.width; x++) {
        const c = Math.floor(x / 3);
        for (const y of [0, 1]) src.data.set([c, 255 - c, (c * 7) % 256, alpha], (y * src.width + x) * 4);
      }
      for (let height = 2; height <= 9; height++) {
        for (const width of [307, 333, 700, 768 * 2 - 1, 768 * 3 + 1]) {
          const size = { width, height };
          const window = { x: 0, y: 0, ...size };
          expect({ alpha, size, at: firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data) }).toEqual({ alpha, size, at: -1 });
        }
      }
    }
  });

  it('counts the output pixels whose four taps are one pixel, to choose the loop for the rows that follow', () => {
    const { scratchStart, reserve, bilinearFlatCount } = loadKernels();
    const { bytes, ints } = reserve(64);
    const [row0, row1, x0, x1] = [scratchStart, scratchStart + 16, scratchStart + 32, scratchStart + 48];
    bytes.set([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 9, 9, 9, 9], row0);
    bytes.set([1, 2, 3, 4, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9, 9, 9], row1);
    // Columns (0,1): all four equal; (1,2): row1 differs; (2,3): row0 differs; (3,3): equal.
    ints.set([0, 4, 8, 12], x0 >> 2);
    ints.set([4, 8, 12, 12], x1 >> 2);
    expect(bilinearFlatCount(row0, row1, x0, x1, 4)).toBe(2);
  });

  it('switches between its loops for flat and busy rows without a seam', () => {
    // Noise above, flat blocks below: the sampled rows choose differently.
    const next = random(99);
    const noise = randomOverlay(next, 80, 30, 'any');
    const blocks = randomBlocks(next, 80, 30, 'edges', 6, 40);
    const src = rgba(80, 60);
    src.data.set(noise.data);
    src.data.set(blocks.data, noise.data.length);
    for (const size of [{ width: 200, height: 150 }, { width: 33, height: 24 }]) {
      const window = { x: 0, y: 0, ...size };
      expect(firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data)).toBe(-1);
    }
  });

  it('gives the reference bytes for every colour at ten alphas', () => {
    // Two rows of 256 pixels: colour c at alpha a, blended 3:1 and 1:3 with a neighbour.
    for (const alpha of [0, 1, 2, 3, 64, 127, 128, 200, 254, 255]) {
      const src = rgba(256, 2);
      for (let c = 0; c < 256; c++) {
        src.data.set([c, 255 - c, (c * 7) % 256, alpha], c * 4);
        src.data.set([(c * 3) % 256, c, 128, 255 - alpha], (256 + c) * 4);
      }
      const size = { width: 512, height: 4 };
      const window = { x: 0, y: 0, ...size };
      expect(firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data)).toBe(-1);
    }
  });

  it(`splits rows wider than ${MAX_PASS_COLUMNS} output columns into passes that join seamlessly`, () => {
    const src = randomOverlay(random(7), 9001, 3, 'edges');
    const size = { width: MAX_PASS_COLUMNS * 2 + 123, height: 5 };
    const window = { x: 17, y: 1, width: size.width - 20, height: 4 };
    expect(firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data)).toBe(-1);
  });

  it(`copies at most ${MAX_PASS_SPAN} source pixels a row per pass, even when shrinking hard`, () => {
    const src = randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any');
    const size = { width: 5, height: 1 };
    const window = { x: 0, y: 0, ...size };
    expect(firstDifference(planBilinear(src, size)(window).data, referenceBilinear(src, size, window).data)).toBe(-1);
  });
});
