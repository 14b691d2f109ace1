import { describe } from 'vitest';
import { exactDiff } from '../../../src/engine/exact-diff.js';
import { loadKernels, SHARED_SCRATCH_BYTES } from '../../../src/engine/wasm/kernels.js';
import { referenceExactDiff } from '../../helpers/compare-reference.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { random } from '../../helpers/random.js';

type PairKind = 'identical' | 'all' | 'some' | 'channel';

/**
 * A random RGBA image and a copy changed as `kind` says: not at all, every
 * pixel, about 5% of pixels, or about 5% in one channel only (alpha included).
 */
function randomPair(next: () => number, pixels: number, kind: PairKind, channel: number): [Uint8Array, Uint8Array] {
  const a = new Uint8Array(pixels * 4);
  // Levels at the edges of the arithmetic as often as any other.
  for (let i = 0; i < a.length; i++) a[i] = next() < 0.2 ? [0, 255, 1, 254][Math.floor(next() * 4)]! : Math.floor(next() * 256);
  const e = a.slice();
  for (let p = 0; p < pixels; p++) {
    if (kind === 'identical' || (kind !== 'all' && next() >= 0.05)) continue;
    const by = () => 1 + Math.floor(next() * 255);
    if (kind === 'channel') e[p * 4 + channel] = (e[p * 4 + channel]! + by()) & 255;
    else if (kind === 'all') {
      const i = p * 4 + Math.floor(next() * 4);
      e[i] = (a[i]! + by()) & 255;
    }
    else for (let c = 0; c < 4; c++) if (next() < 0.5 || c === 3) e[p * 4 + c] = Math.floor(next() * 256);
  }
  return [a, e];
}

/** The figures and then the diff picture, as bytes, so that one byte-for-byte comparison holds both. */
function outcome(figures: { differing: number; sum: number; max: number }, diff: Uint8Array): Uint8Array {
  const head = new Uint8Array(new Float64Array([figures.differing, figures.sum, figures.max]).buffer);
  const out = new Uint8Array(head.length + diff.length);
  out.set(head);
  out.set(diff, head.length);
  return out;
}

function compareCase(label: CaseLabel, a: Uint8Array, e: Uint8Array): KernelCase {
  return {
    label,
    kernel: () => {
      // Filled with noise: every byte must be written.
      const diff = new Uint8Array(a.length).fill(77);
      const figures = exactDiff(a, e, diff);
      const counted = exactDiff(a, e);
      // Without the picture, the same figures.
      if (counted.differing !== figures.differing || counted.sum !== figures.sum || counted.max !== figures.max) return new Uint8Array(0);
      return outcome(figures, diff);
    },
    reference: () => {
      const diff = new Uint8Array(a.length);
      return outcome(referenceExactDiff(a, e, diff), diff);
    },
  };
}

describe('the exact comparison kernel (exact_diff)', () => {
  itMatchesReference([
    {
      name: 'gives the reference counts, sums, maxima and diff pictures on random pairs from 1x1 to a few hundred pixels a side',
      cases: () =>
        randomCases(1, 400, (next, round) => {
          const small = next() < 0.4;
          const width = 1 + Math.floor(next() * (small ? 12 : 300));
          const height = 1 + Math.floor(next() * (small ? 12 : 300));
          const kind = (['identical', 'all', 'some', 'channel'] as const)[round % 4]!;
          const channel = Math.floor(next() * 4);
          const [a, e] = randomPair(next, width * height, kind, channel);
          return compareCase({ width, height, kind, channel }, a, e);
        }),
    },
    {
      name: 'gives the reference figures on pairs larger than the shared scratch area, in strips, one not dividing the image',
      *cases() {
        const next = random(5);
        const pixels = Math.ceil((SHARED_SCRATCH_BYTES * 1.7) / 4) + 3;
        for (const kind of ['some', 'channel'] as const) {
          const [a, e] = randomPair(next, pixels, kind, 3);
          yield compareCase({ pixels, kind }, a, e);
        }
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
