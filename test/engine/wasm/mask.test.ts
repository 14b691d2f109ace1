import { describe } from 'vitest';
import { maskLuma, resizeBicubicPillow, type Grey } from '../../../src/engine/mask.js';
import { rgba, type Rgba, type Size } from '../../../src/engine/raster.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { everyColourAtEveryAlpha } from '../../helpers/every-colour.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { referenceMaskLuma, referenceResizeBicubicPillow } from '../../helpers/mask-reference.js';
import { random } from '../../helpers/random.js';

const KINDS = ['noise', 'extremes', 'flat'] as const;

function randomGrey(next: () => number, width: number, height: number, kind: (typeof KINDS)[number]): Grey {
  const level = Math.floor(next() * 256);
  // Extremes (0 and 255 side by side) make the cubic overshoot, so clip8 clips both ways.
  const data = Uint8Array.from({ length: width * height }, () => (kind === 'noise' ? Math.floor(next() * 256) : kind === 'extremes' ? (next() < 0.5 ? 0 : 255) : level));
  return { width, height, data };
}

const luma = (label: CaseLabel, image: Rgba): KernelCase => ({
  label,
  kernel: () => maskLuma(image).data,
  reference: () => referenceMaskLuma(image).data,
});

const resize = (label: CaseLabel, src: Grey, size: Size): KernelCase => ({
  label,
  kernel: () => resizeBicubicPillow(src, size).data,
  reference: () => referenceResizeBicubicPillow(src, size).data,
});

describe('mask luma WebAssembly kernel', () => {
  itMatchesReference([
    {
      name: 'gives the reference byte for every colour at every alpha',
      // Pixel (c, a) has colour c and alpha a in every channel order; 65 537 pixels, so the scalar tail runs too.
      cases: () => {
        const image = rgba(256 * 256 + 1, 1);
        image.data.set(everyColourAtEveryAlpha().data);
        image.data.set([200, 100, 50, 77], 256 * 256 * 4);
        return [luma({}, image)];
      },
    },
    {
      name: 'gives the reference bytes on random masks of every width modulo 4, and on one too large for the shared scratch area',
      *cases() {
        const next = random(77);
        for (const [width, height] of [[1, 1], [2, 3], [3, 5], [5, 7], [64, 33], [1500, 1500]] as const) {
          const image = rgba(width, height);
          for (let i = 0; i < image.data.length; i++) image.data[i] = Math.floor(next() * 256);
          yield luma({ width, height }, image);
        }
      },
    },
  ]);
});

describe('mask resize WebAssembly kernels', () => {
  itMatchesReference([
    {
      name: 'give the scalar reference bytes on 500 random masks and sizes, shrinking and enlarging',
      cases: () =>
        randomCases(20261121, 500, (next, round) => {
          const kind = KINDS[round % 3]!;
          const src = randomGrey(next, 1 + Math.floor(next() * 70), 1 + Math.floor(next() * 70), kind);
          const size = { width: 1 + Math.floor(next() * 90), height: 1 + Math.floor(next() * 90) };
          return resize({ kind, src: [src.width, src.height], size }, src, size);
        }),
    },
    {
      name: 'give the reference bytes on hard shrinks, whose windows hold dozens of taps',
      *cases() {
        const src = randomGrey(random(3), 613, 487, 'extremes');
        for (const size of [{ width: 7, height: 5 }, { width: 1, height: 1 }, { width: 61, height: 400 }]) yield resize({ size }, src, size);
      },
    },
    {
      name: 'resize a mask too large for the shared scratch area in an instance of its own',
      cases: () => [resize({}, randomGrey(random(9), 3001, 3000, 'noise'), { width: 1234, height: 2345 })], // 9 MB
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
