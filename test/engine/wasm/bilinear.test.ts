import { describe, expect, it } from 'vitest';
import { rgba } from '../../../src/engine/raster.js';
import { RESAMPLE_PLANNERS } from '../../../src/engine/resample.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { referenceBilinear } from '../../helpers/bilinear-reference.js';
import { everyColourRows, TEN_ALPHAS } from '../../helpers/every-colour.js';
import { itMatchesReference, randomCases } from '../../helpers/kernel-cases.js';
import { alphaKindFor, random, randomBlocks, randomOverlay } from '../../helpers/random.js';
import { randomResizeTest, resampleAgainst } from '../../helpers/resample-cases.js';

const bilinear = resampleAgainst(RESAMPLE_PLANNERS.bilinear, referenceBilinear);

describe('bilinear WebAssembly kernel', () => {
  itMatchesReference([
    randomResizeTest(bilinear, { seed: 20261121, rounds: 600, maxSource: 48, maxOutput: 96 }),
    {
      name: 'gives the scalar reference bytes on 600 random overlays of flat blocks, shrunk and enlarged',
      // Flat 2x2 neighbourhoods take the kernel's one-product path; the output
      // sizes bring every kind of weight, including those under 2^-5 that must not.
      cases: () =>
        randomCases(5150, 600, (next, round) => {
          const alphaKind = alphaKindFor(round);
          const src = randomBlocks(next, 1 + Math.floor(next() * 64), 1 + Math.floor(next() * 64), alphaKind, 12, 24);
          const scale = () => 0.1 + next() * 3.9;
          const size = { width: Math.max(1, Math.round(src.width * scale())), height: Math.max(1, Math.round(src.height * scale())) };
          return bilinear({ alphaKind, src: [src.width, src.height], size }, src, size);
        }),
    },
    {
      name: 'gives the reference bytes for every flat colour at ten alphas, over many weights',
      // Each colour fills three columns of two rows, so most output pixels are flat;
      // output widths from 0.4 to 3 per source column and 2 to 9 rows give a spread of weights.
      *cases() {
        for (const alpha of TEN_ALPHAS) {
          const src = rgba(3 * 256, 2);
          for (let x = 0; x < src.width; x++) {
            const c = Math.floor(x / 3);
            for (const y of [0, 1]) src.data.set([c, 255 - c, (c * 7) % 256, alpha], (y * src.width + x) * 4);
          }
          for (let height = 2; height <= 9; height++) {
            for (const width of [307, 333, 700, 768 * 2 - 1, 768 * 3 + 1]) yield bilinear({ alpha, size: { width, height } }, src, { width, height });
          }
        }
      },
    },
    {
      name: 'switches between its loops for flat and busy rows without a seam',
      // Noise above, flat blocks below: the sampled rows choose differently.
      *cases() {
        const next = random(99);
        const noise = randomOverlay(next, 80, 30, 'any');
        const blocks = randomBlocks(next, 80, 30, 'edges', 6, 40);
        const src = rgba(80, 60);
        src.data.set(noise.data);
        src.data.set(blocks.data, noise.data.length);
        for (const size of [{ width: 200, height: 150 }, { width: 33, height: 24 }]) yield bilinear({ size }, src, size);
      },
    },
    {
      name: 'gives the reference bytes for every colour at ten alphas',
      // Two rows of 256 pixels: colour c at alpha a, blended 3:1 and 1:3 with a neighbour.
      *cases() {
        for (const alpha of TEN_ALPHAS) yield bilinear({ alpha }, everyColourRows(alpha, 2), { width: 512, height: 4 });
      },
    },
    {
      name: `splits rows wider than ${MAX_PASS_COLUMNS} output columns into passes that join seamlessly`,
      cases: () => {
        const size = { width: MAX_PASS_COLUMNS * 2 + 123, height: 5 };
        return [bilinear({ size }, randomOverlay(random(7), 9001, 3, 'edges'), size, { x: 17, y: 1, width: size.width - 20, height: 4 })];
      },
    },
    {
      name: `copies at most ${MAX_PASS_SPAN} source pixels a row per pass, even when shrinking hard`,
      cases: () => [bilinear({}, randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any'), { width: 5, height: 1 })],
    },
  ]);

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
});
