import { align16, loadKernels, SHARED_SCRATCH_BYTES } from './wasm/kernels.js';

/** What the exact comparison of two images finds. */
export interface ExactDifference {
  /** Pixels that differ in any channel. */
  readonly differing: number;
  /** Sum of the absolute channel differences over every channel of every pixel. */
  readonly sum: number;
  /** The largest absolute channel difference. */
  readonly max: number;
}

/**
 * The exact comparison of two RGBA buffers of the same size, in one pass
 * (exact_diff in wasm/kernels.c): the pixels that differ at all, the channel
 * differences' sum and maximum, and, given `diff`, the diff picture (red where
 * a pixel differs, elsewhere `a` faded into white, as pixelmatch draws its own).
 * In strips through the shared scratch area, so that any size fits.
 */
export function exactDiff(a: Uint8Array, e: Uint8Array, diff?: Uint8Array): ExactDifference {
  if (a.length !== e.length || a.length % 4 !== 0 || (diff && diff.length !== a.length)) {
    throw new RangeError(`exactDiff takes RGBA buffers of one size, not ${a.length}, ${e.length}${diff ? ` and ${diff.length}` : ''} bytes`);
  }
  const kernels = loadKernels();
  const buffers = diff ? 3 : 2;
  // Whole pixels, each buffer's strip 16-byte aligned, after 16 bytes of totals.
  const strip = Math.min(a.length, Math.floor((SHARED_SCRATCH_BYTES - 16) / buffers / 16) * 16);
  const layout = { totals: 0, a: 16, e: 16 + strip, diff: 16 + 2 * strip };
  const { bytes, doubles } = kernels.reserve(align16(16 + buffers * strip));
  const at = (offset: number) => kernels.scratchStart + offset;
  let differing = 0;
  let sum = 0;
  let max = 0;
  for (let start = 0; start < a.length; start += strip) {
    const end = Math.min(a.length, start + strip);
    bytes.set(a.subarray(start, end), at(layout.a));
    bytes.set(e.subarray(start, end), at(layout.e));
    differing += kernels.exactDiff(at(layout.a), at(layout.e), (end - start) / 4, diff ? at(layout.diff) : 0, at(layout.totals));
    sum += doubles[at(layout.totals) / 8]!;
    max = Math.max(max, doubles[at(layout.totals) / 8 + 1]!);
    if (diff) diff.set(bytes.subarray(at(layout.diff), at(layout.diff) + end - start), start);
  }
  return { differing, sum, max };
}
