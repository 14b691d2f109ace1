import pixelmatch from 'pixelmatch';
import { describe, expect, it } from 'vitest';
import { diffImages } from '../../../src/engine/image-diff.js';
import { loadKernels, SHARED_SCRATCH_BYTES } from '../../../src/engine/wasm/kernels.js';
import { referenceImageDiff, referenceYiqDelta } from '../../helpers/compare-reference.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { random } from '../../helpers/random.js';

type PairKind = 'identical' | 'all' | 'some' | 'channel';
/** Opaque images take the kernel's vector path for the colour distance; translucent pixels its scalar one. */
type Alphas = 'random' | 'opaque' | 'mostly opaque';
const ALPHAS: readonly Alphas[] = ['random', 'opaque', 'mostly opaque'];

/**
 * A random RGBA image and a copy changed as `kind` says: not at all, every
 * pixel, about 5% of pixels, or about 5% in one channel only (alpha included),
 * then with alphas as `alphas` says (where a pixel is made opaque, in both).
 */
function randomPair(next: () => number, pixels: number, kind: PairKind, channel: number, alphas: Alphas = 'random'): [Uint8Array, Uint8Array] {
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
  for (let p = 0; p < pixels && alphas !== 'random'; p++) {
    if (alphas === 'opaque' || next() < 0.97) a[p * 4 + 3] = e[p * 4 + 3] = 255;
  }
  return [a, e];
}

/** The figures and then the diff picture, as bytes, so that one byte-for-byte comparison holds both. */
function outcome(figures: { counted: number; differing: number; sum: number; max: number }, diff: Uint8Array): Uint8Array {
  const head = new Uint8Array(new Float64Array([figures.counted, figures.differing, figures.sum, figures.max]).buffer);
  const out = new Uint8Array(head.length + diff.length);
  out.set(head);
  out.set(diff, head.length);
  return out;
}

/** Exact, pixelmatch's extremes and its default, and thresholds in between. */
const THRESHOLDS = [undefined, 0, 0.02, 0.1, 0.3, 1] as const;

/**
 * Thresholds on the edge: each puts pixelmatch's bound (35215·t·t) within
 * rounding of the colour distance of some differing pixel of the pair, so
 * that only the same arithmetic in the same order decides that pixel alike.
 */
function edgeThresholds(next: () => number, a: Uint8Array, e: Uint8Array, how: number): number[] {
  const differing: number[] = [];
  for (let i = 0; i < a.length; i += 4) if (a[i] !== e[i] || a[i + 1] !== e[i + 1] || a[i + 2] !== e[i + 2] || a[i + 3] !== e[i + 3]) differing.push(i);
  const thresholds: number[] = [];
  for (let n = 0; n < how && differing.length > 0; n++) {
    const t = Math.sqrt(Math.abs(referenceYiqDelta(a, e, differing[Math.floor(next() * differing.length)]!)) / 35215);
    if (t <= 1) thresholds.push(t, t * (1 + 2 ** -52), t * (1 - 2 ** -52));
  }
  return thresholds;
}

function compareCase(label: CaseLabel, a: Uint8Array, e: Uint8Array, threshold: number | undefined): KernelCase {
  return {
    label: { ...label, threshold: threshold ?? 'exact' },
    kernel: () => {
      // Filled with noise: every byte must be written.
      const diff = new Uint8Array(a.length).fill(77);
      const figures = diffImages(a, e, { threshold, diff });
      const counted = diffImages(a, e, { threshold });
      // Without the picture, the same figures.
      if (JSON.stringify(counted) !== JSON.stringify(figures)) return new Uint8Array(0);
      return outcome(figures, diff);
    },
    reference: () => {
      const diff = new Uint8Array(a.length);
      return outcome(referenceImageDiff(a, e, diff, threshold), diff);
    },
  };
}

describe('the comparison kernel (image_diff)', () => {
  itMatchesReference([
    {
      name: 'gives the reference counts, sums, maxima and diff pictures on random pairs from 1x1 to a few hundred pixels a side, exact and at thresholds',
      cases: () =>
        randomCases(1, 600, (next, round) => {
          const small = next() < 0.4;
          const width = 1 + Math.floor(next() * (small ? 12 : 300));
          const height = 1 + Math.floor(next() * (small ? 12 : 300));
          const kind = (['identical', 'all', 'some', 'channel'] as const)[round % 4]!;
          const channel = Math.floor(next() * 4);
          const alphas = ALPHAS[Math.floor(next() * ALPHAS.length)]!;
          const [a, e] = randomPair(next, width * height, kind, channel, alphas);
          const threshold = next() < 0.5 ? edgeThresholds(next, a, e, 1)[Math.floor(next() * 3)] : THRESHOLDS[Math.floor(next() * THRESHOLDS.length)];
          return compareCase({ width, height, kind, channel, alphas }, a, e, threshold);
        }),
    },
    {
      name: 'gives the reference figures on pairs larger than the shared scratch area, in strips, one not dividing the image',
      *cases() {
        const next = random(5);
        const pixels = Math.ceil((SHARED_SCRATCH_BYTES * 1.7) / 4) + 3;
        for (const [kind, threshold, alphas] of [['some', undefined, 'random'], ['channel', 0.1, 'random'], ['some', 0.05, 'mostly opaque']] as const) {
          const [a, e] = randomPair(next, pixels, kind, kind === 'channel' ? 3 : 0, alphas);
          yield compareCase({ pixels, kind, alphas }, a, e, threshold);
        }
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);

  // The promise made to users: at a threshold, the count and the picture of pixelmatch with includeAA.
  it.each(THRESHOLDS.filter((t) => t !== undefined).map((threshold) => ({ threshold })))(
    'counts and draws what pixelmatch(a, b, out, w, h, { threshold: $threshold, includeAA: true }) does',
    ({ threshold }) => {
      const next = random(Math.round(threshold * 1000) + 11);
      // The last pair spans several of the kernel's strips: the background pixelmatch picks for a
      // translucent pixel depends on its offset in the whole image.
      for (const [kind, alphas, width, height] of [
        ['all', 'random', 61, 47],
        ['some', 'random', 61, 47],
        ['channel', 'random', 61, 47],
        ['all', 'opaque', 61, 47],
        ['some', 'mostly opaque', 61, 47],
        ['all', 'random', 211, 163],
      ] as const) {
        const [a, e] = randomPair(next, width * height, kind, kind === 'channel' ? 3 : 1, alphas);
        for (const t of [threshold, ...edgeThresholds(next, a, e, 5)]) {
          const ours = new Uint8Array(a.length);
          const theirs = new Uint8Array(a.length);
          const { counted } = diffImages(a, e, { threshold: t, diff: ours });
          expect(counted, `threshold ${t}`).toBe(pixelmatch(a, e, theirs, width, height, { threshold: t, includeAA: true }));
          expect(diffImages(a, e, { threshold: t }).counted).toBe(counted);
          expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
        }
      }
    },
  );
});
