import { align16, loadKernels } from './wasm/kernels.js';

/** What comparing two images finds. */
export interface ImageDiff {
  /** Pixels counted as different: every differing pixel when exact, else those beyond the threshold. */
  readonly counted: number;
  /** Pixels that differ in any channel. */
  readonly differing: number;
  /** Sum of the absolute channel differences over every channel of every pixel. */
  readonly sum: number;
  /** The largest absolute channel difference. */
  readonly max: number;
}

export interface ImageDiffOptions {
  /**
   * pixelmatch's threshold (0 to 1): count the pixels whose YIQ colour distance
   * exceeds it, as pixelmatch does with includeAA. Absent: count every pixel
   * that differs in any channel.
   */
  readonly threshold?: number;
  /** Receives the diff picture: red where a pixel is counted, elsewhere the first image faded into white, as pixelmatch draws it. */
  readonly diff?: Uint8Array;
}

/**
 * Strip bytes per image: the strip is copied into the kernel's memory and read
 * back while still in cache. A multiple of 16; three fit the shared scratch area.
 */
const STRIP_BYTES = 64 << 10;

/**
 * Compares two RGBA buffers of one size in one pass (image_diff in
 * wasm/kernels.c), strip by strip through the shared scratch area, so that
 * any size fits.
 */
export function diffImages(a: Uint8Array, e: Uint8Array, options: ImageDiffOptions = {}): ImageDiff {
  const { threshold, diff } = options;
  if (a.length !== e.length || a.length % 4 !== 0 || (diff && diff.length !== a.length)) {
    throw new RangeError(`diffImages takes RGBA buffers of one size, not ${a.length}, ${e.length}${diff ? ` and ${diff.length}` : ''} bytes`);
  }
  // pixelmatch's own bound, in its order of operations; below 0, exact.
  const maxDelta = threshold === undefined ? -1 : 35215 * threshold * threshold;
  const kernels = loadKernels();
  // Whole pixels; each buffer's place 16-byte aligned (align16), after 32 bytes of totals.
  const strip = Math.min(a.length, STRIP_BYTES);
  const room = align16(strip);
  const layout = { totals: 0, a: 32, e: 32 + room, diff: 32 + 2 * room };
  const { bytes, doubles } = kernels.reserve(32 + (diff ? 3 : 2) * room);
  const at = (offset: number) => kernels.scratchStart + offset;
  const totals = at(layout.totals) / 8;
  let counted = 0;
  let differing = 0;
  let sum = 0;
  let max = 0;
  for (let start = 0; start < a.length; start += strip) {
    const end = Math.min(a.length, start + strip);
    bytes.set(a.subarray(start, end), at(layout.a));
    bytes.set(e.subarray(start, end), at(layout.e));
    counted += kernels.imageDiff(at(layout.a), at(layout.e), (end - start) / 4, start, maxDelta, diff ? at(layout.diff) : 0, at(layout.totals));
    sum += doubles[totals]!;
    max = Math.max(max, doubles[totals + 1]!);
    differing += doubles[totals + 2]!;
    if (diff) diff.set(bytes.subarray(at(layout.diff), at(layout.diff) + end - start), start);
  }
  return { counted, differing, sum, max };
}
