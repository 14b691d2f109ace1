import { describe } from 'vitest';
import { BLEND_MODES, blendChannel, blendInto, type BlendMode } from '../../../src/engine/mockup/blend.js';
import { wholeOf, type Raster, type Rect, type Size } from '../../../src/engine/raster.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { referenceBlendChannel, referenceBlendInto } from '../../helpers/blend-reference.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { random, randomWindow } from '../../helpers/random.js';

const f32 = Math.fround;

/** Doubles as bytes, bit for bit but for NaN, whose payload WebAssembly leaves open: every NaN is all ones. */
function doubleBits(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => (Number.isNaN(v) ? view.setBigUint64(i * 8, 2n ** 64n - 1n) : view.setFloat64(i * 8, v)));
  return new Uint8Array(view.buffer);
}

/** Alphas at the edges of the arithmetic: 0, 1, a hair over 1 (float32 samples), tiny and subnormal, halves and 255ths. */
const EDGE_ALPHAS = [0, 1, f32(1 + 2 ** -23), 0.5, 0.25, f32(1 / 255), f32(128 / 255), f32(254 / 255), 2 ** -126, 2 ** -149, f32(1e-30)];
/** Values no sample of the warp holds, which the blend still takes as the reference does. */
const HOSTILE = [Number.NaN, Infinity, -Infinity, -0, -0.25, 2, f32(1e30)];

type SourceKind = 'straight' | 'edges' | 'hostile';

/** One premultiplied sample: colour at most alpha but for a hair over it now and then (float32 rounding), or the kinds' odd values. */
function randomSample(next: () => number, kind: SourceKind): number[] {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  if (kind === 'hostile' && next() < 0.3) return [0, 1, 2, 3].map(() => (next() < 0.5 ? pick(HOSTILE) : next()));
  const alpha = kind === 'straight' ? (next() < 0.2 ? pick([0, 1]) : next()) : pick(EDGE_ALPHAS);
  return [
    ...[0, 1, 2].map(() => {
      const r = next();
      if (r < 0.1) return 0;
      if (r < 0.2) return alpha;
      if (r < 0.25) return f32(alpha * (1 + 2 ** -22));
      // A colour of k/255 at this alpha: the levels the warp gives opaque pixels.
      if (r < 0.5) return Math.floor(next() * 256) / 255 * alpha;
      return next() * alpha;
    }),
    alpha,
  ];
}

function randomSource(next: () => number, pixels: number, kind: SourceKind): Float32Array {
  const source = new Float32Array(pixels * 4);
  for (let i = 0; i < pixels; i++) source.set(randomSample(next, kind), i * 4);
  return source;
}

function randomBase(next: () => number, size: Size, channels: 3 | 4): Raster {
  const data = new Uint8Array(size.width * size.height * channels);
  const edges = [0, 1, 127, 128, 254, 255];
  for (let i = 0; i < data.length; i++) data[i] = next() < 0.2 ? edges[Math.floor(next() * edges.length)]! : Math.floor(next() * 256);
  return { ...size, channels, data };
}

/** blendInto on a copy of `base`, by the kernel and by the reference; the whole base is compared, so bytes outside the rectangle must stay. */
function blend(label: CaseLabel, base: Raster, rect: Rect, source: Float32Array, mode: BlendMode): KernelCase {
  const run = (fn: typeof blendInto) => () => {
    const copy = { ...base, data: base.data.slice() };
    fn(copy, rect, source, mode);
    return copy.data;
  };
  return { label, kernel: run(blendInto), reference: run(referenceBlendInto) };
}

/** Where to blend: all of the base, a random window, or a band along one of its edges. */
function randomRect(next: () => number, base: Size, round: number): Rect {
  const rows = 1 + Math.floor(next() * base.height);
  const columns = 1 + Math.floor(next() * base.width);
  switch (round % 6) {
    case 0: return wholeOf(base);
    case 1: return { x: 0, y: base.height - rows, width: base.width, height: rows };
    case 2: return { x: base.width - columns, y: 0, width: columns, height: base.height };
    case 3: return { x: 0, y: 0, width: columns, height: 1 };
    default: return randomWindow(next, base);
  }
}

describe('mockup blend WebAssembly kernels', () => {
  itMatchesReference([
    {
      name: 'give the reference B(Cb, Cs), bit for bit, for every mode on every byte level of Cb against levels, branch edges and odd values of Cs',
      *cases() {
        const levels = Array.from({ length: 256 }, (_, k) => k / 255);
        const edges = [0, 0.25, 0.5, 1, 0.5 - 2 ** -53, 0.5 + 2 ** -52, 0.25 + 2 ** -54, 1 - 2 ** -53, 2 ** -1074];
        const next = random(12);
        const css = [...levels.filter((_, k) => k % 5 === 0), ...edges, ...HOSTILE, ...Array.from({ length: 20 }, next)];
        const cbs = [...levels, ...edges, ...HOSTILE];
        for (const mode of BLEND_MODES) {
          const values = (fn: typeof blendChannel) => () => doubleBits(cbs.flatMap((cb) => css.map((cs) => fn(mode, cb, cs))));
          yield { label: { mode }, kernel: values(blendChannel), reference: values(referenceBlendChannel) };
        }
      },
    },
    {
      name: 'give the reference bytes on 960 random bases, rectangles and samples, every mode over RGB and RGBA',
      cases: () =>
        randomCases(20261123, 960, (next, round) => {
          const mode = BLEND_MODES[round % BLEND_MODES.length]!;
          const channels = Math.floor(round / BLEND_MODES.length) % 2 ? 3 : 4;
          const kind = (['straight', 'edges', 'hostile'] as const)[Math.floor(round / (2 * BLEND_MODES.length)) % 3]!;
          const size = { width: 1 + Math.floor(next() * 50), height: 1 + Math.floor(next() * 40) };
          const base = randomBase(next, size, channels);
          const rect = randomRect(next, size, round);
          return blend({ mode, channels, kind, size: [size.width, size.height], rect }, base, rect, randomSource(next, rect.width * rect.height, kind), mode);
        }),
    },
    {
      name: 'give the reference bytes for every mode on every base level and alpha against Cs levels at halves, quarters and 255ths of alpha',
      *cases() {
        const alphas = [1, 0.5, 0.25, 0.75, f32(1 / 255), f32(51 / 255), f32(254 / 255)];
        const backdropAlphas = [255, 128, 0, 1, 254, 64];
        const size = { width: 256, height: alphas.length * backdropAlphas.length };
        for (const mode of BLEND_MODES) {
          for (const channels of [3, 4] as const) {
            const base: Raster = { ...size, channels, data: new Uint8Array(size.width * size.height * channels) };
            const source = new Float32Array(size.width * size.height * 4);
            for (let y = 0; y < size.height; y++) {
              const alpha = alphas[y % alphas.length]!;
              for (let x = 0; x < size.width; x++) {
                const at = y * size.width + x;
                base.data.set([x, 255 - x, (x * 7) % 256, backdropAlphas[Math.floor(y / alphas.length)]!].slice(0, channels), at * channels);
                source.set([((x * 11 + y * 37) % 256) / 255, (x % 5) / 4, ((x * 3) % 256) / 255].map((c) => c * alpha).concat(alpha), at * 4);
              }
            }
            yield blend({ mode, channels }, base, wholeOf(size), source, mode);
          }
        }
      },
    },
    {
      name: 'give the reference bytes on rectangles of more pixels than one kernel call takes, and on rows wider than one',
      *cases() {
        const next = random(4);
        for (const [size, rect] of [
          [{ width: 300, height: 200 }, { x: 7, y: 3, width: 290, height: 190 }],
          [{ width: 20001, height: 3 }, { x: 1, y: 1, width: 20000, height: 2 }],
        ] as const) {
          for (const channels of [3, 4] as const) {
            const mode = channels === 3 ? 'overlay' : 'color-dodge';
            yield blend({ size, channels }, randomBase(next, size, channels), rect, randomSource(next, rect.width * rect.height, 'straight'), mode);
          }
        }
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
