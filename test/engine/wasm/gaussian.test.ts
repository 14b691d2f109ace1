import { describe } from 'vitest';
import { displacementLuma } from '../../../src/engine/mockup/displacement.js';
import type { Raster } from '../../../src/engine/raster.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { referenceDisplacementLuma } from '../../helpers/gaussian-reference.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';

type MapKind = 'noise' | 'flat' | 'edges' | 'steps';

/** A map of `channels` bytes a pixel: noise, one level, the extreme levels only, or blocks of levels. */
function randomMap(next: () => number, width: number, height: number, channels: 3 | 4, kind: MapKind): Raster {
  const data = new Uint8Array(width * height * channels);
  const flat = Math.floor(next() * 256);
  const edges = [0, 255, 1, 254];
  const block = 1 + Math.floor(next() * 16);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = Math.floor(next() * 256);
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        if (kind === 'noise') data[i] = Math.floor(next() * 256);
        else if (kind === 'flat') data[i] = flat;
        else if (kind === 'edges') data[i] = edges[Math.floor(next() * edges.length)]!;
        else data[i] = ((Math.floor(x / block) + Math.floor(y / block)) % 2) * 255 ^ (c === 3 ? level : 0);
      }
    }
  }
  return { width, height, channels, data };
}

function blurCase(label: CaseLabel, map: Raster, blur: number): KernelCase {
  return { label, kernel: () => displacementLuma(map, blur), reference: () => referenceDisplacementLuma(map, blur) };
}

/** Blurs from 0.01 to 40, half of them small, a few whole and half pixels. */
function randomBlur(next: () => number): number {
  const r = next();
  if (r < 0.15) return [0.5, 1, 1.5, 2, 3.5, 0.01, 1 / 3][Math.floor(next() * 7)]!;
  if (r < 0.6) return 0.01 + next() * 3;
  return 0.01 + next() * 40;
}

describe('the displacement blur kernels (gaussian_across, gaussian_down)', () => {
  itMatchesReference([
    {
      name: 'give the reference bytes on random maps from 1x1 to a few hundred pixels a side, blurs 0.01–40',
      cases: () =>
        randomCases(1, 300, (next) => {
          const small = next() < 0.4;
          const width = 1 + Math.floor(next() * (small ? 12 : 300));
          const height = 1 + Math.floor(next() * (small ? 12 : 300));
          const kind = (['noise', 'flat', 'edges', 'steps'] as const)[Math.floor(next() * 4)]!;
          const channels = next() < 0.5 ? 3 : 4;
          const blur = randomBlur(next);
          return blurCase({ width, height, channels, kind, blur }, randomMap(next, width, height, channels, kind), blur);
        }),
    },
    {
      name: 'give the reference bytes where the radius is wider than the image, on rows and columns of one pixel, and with no blur',
      *cases() {
        const next = (() => {
          let state = 7;
          return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
        })();
        for (const [width, height] of [[1, 1], [1, 37], [37, 1], [2, 2], [3, 9], [9, 3], [17, 5], [8, 8], [9, 9]] as const) {
          for (const blur of [0, 1e-200, 0.01, 0.2, 1, 2.5, 7, 40]) {
            for (const kind of ['noise', 'flat', 'edges'] as const) yield blurCase({ width, height, blur, kind }, randomMap(next, width, height, 3, kind), blur);
          }
        }
      },
    },
    {
      name: 'give the reference bytes on maps larger than the shared scratch area, in strips there and in an instance of their own',
      *cases() {
        const next = (() => {
          let state = 11;
          return () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
        })();
        // Strips in the shared area, one not dividing the height; then a ring too wide for it.
        yield blurCase({ width: 2500, height: 2003, blur: 3 }, randomMap(next, 2500, 2003, 3, 'noise'), 3);
        yield blurCase({ width: 4500, height: 300, blur: 40 }, randomMap(next, 4500, 300, 3, 'steps'), 40);
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
