import { KERNELS_WASM } from './kernels-module.js';

/** The part of the WebAssembly global used here (Node's types leave it out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };

export interface Kernels {
  readonly nearestRow: (row: number, x: number, count: number, out: number) => void;
  readonly bilinearRow: (row0: number, row1: number, wy0: number, wy1: number, x0: number, x1: number, wx0: number, wx1: number, count: number, out: number) => void;
  /** bilinearRow giving flat pixels (four equal taps) their one-product path. */
  readonly bilinearRowFlat: (row0: number, row1: number, wy0: number, wy1: number, x0: number, x1: number, wx0: number, wx1: number, count: number, out: number) => void;
  /** How many of a row's pixels have four equal taps. */
  readonly bilinearFlatCount: (row0: number, row1: number, x0: number, x1: number, count: number) => number;
  readonly compositeRow: (src: number, dst: number, count: number, channels: number) => void;
  readonly areaAddRow: (row: number, x0: number, x1: number, count: number, sums: number) => void;
  readonly areaStore: (sums: number, kh: number, kw: number, count: number, out: number) => void;
  readonly maskLuma: (rgba: number, count: number, grey: number) => void;
  readonly resampleHorizontal: (input: number, inWidth: number, rows: number, output: number, outWidth: number, bounds: number, weights: number, stride: number) => void;
  readonly resampleVertical: (input: number, width: number, output: number, outHeight: number, bounds: number, weights: number, stride: number) => void;
  readonly premultiplyRgba: (data: number, count: number) => void;
  readonly unpremultiplyRgba: (data: number, count: number) => void;
  readonly rotateRow: (
    src: number, stride: number, left: number, top: number, width: number, height: number,
    a: number, b: number, c: number, d: number, e: number, f: number,
    v: number, u0: number, count: number, out: number,
  ) => void;
  /** Unfilters PNG rows; returns how many it did (fewer at an unknown filter type). */
  readonly pngUnfilter: (input: number, out: number, prev: number, rows: number, rowBytes: number, bpp: number) => number;
  readonly rgbToRgba: (rgb: number, count: number, rgba: number) => void;
  /** One mockup sample (warp.ts): 4 floats at `out`. */
  readonly sampleBilinear: (design: number, width: number, height: number, sx: number, sy: number, coverage: number, out: number) => void;
  /** Mockup steps 4–6 for a rectangle of base pixels; `layer` holds 16 doubles, `clip` and `luma` are 0 when absent. */
  readonly warpRect: (layer: number, design: number, width: number, height: number, clip: number, luma: number, x: number, y: number, cols: number, rows: number, out: number) => void;
  /** B(Cb, Cs) of the blend mode at `mode` in BLEND_MODES. */
  readonly blendChannel: (mode: number, cb: number, cs: number) => number;
  /** Mockup step 7 on `count` base pixels in place, under their samples. */
  readonly blendRun: (base: number, channels: number, source: number, count: number, mode: number) => void;
  /** The displacement blur's horizontal pass: `count` luma rows, the first being row `first`, into slots row mod `ringRows` of the ring. */
  readonly gaussianAcross: (luma: number, width: number, first: number, count: number, taps: number, radius: number, line: number, ring: number, ringRows: number) => void;
  /** Its vertical pass: rows y0 .. y0 + count − 1 from the ring, rounded to bytes; `rows` is room for 2·radius + 1 pointers. */
  readonly gaussianDown: (ring: number, ringRows: number, width: number, height: number, y0: number, count: number, taps: number, radius: number, rows: number, out: number) => void;
  /**
   * The comparison of `count` RGBA pixels, a strip from byte `firstByte` of the images: returns the pixels counted
   * (every differing one when `maxDelta` < 0, else those beyond it in pixelmatch's colour distance); the channel
   * differences' sum and maximum and the differing pixels go to the 3 doubles at `totals`; `diff` (0 for none) gets the diff picture.
   */
  readonly imageDiff: (a: number, e: number, count: number, firstByte: number, maxDelta: number, diff: number, totals: number) => number;
  /** Makes `bytes` of scratch memory available from `scratchStart`, over any kept block; returns views, which a later call detaches. */
  reserve(bytes: number): ScratchViews;
  /**
   * Keeps the first `bytes` of the scratch area, reserved and filled, for
   * `owner` across calls: reserveAfterKept leaves them in place, reserve does not.
   */
  keep(owner: object, bytes: number): void;
  /** Whether `owner`'s kept block is still in place. */
  holds(owner: object): boolean;
  /**
   * Makes `bytes` of scratch memory available after the kept block, which
   * stays in place unless the two would pass the instance's budget; returns
   * where they start and the views.
   */
  reserveAfterKept(bytes: number): { readonly start: number; readonly views: ScratchViews };
  readonly scratchStart: number;
}

export interface ScratchViews {
  readonly bytes: Uint8Array;
  readonly ints: Int32Array;
  readonly floats: Float32Array;
  readonly doubles: Float64Array;
}

export const align16 = (offset: number): number => (offset + 15) & ~15;

let module: object | undefined;
let shared: Kernels | undefined;

/**
 * The compiled kernels (kernels.c), instantiated on first use: 44 KB,
 * synchronously. Calls are synchronous, so one scratch area serves every
 * caller in the thread; it grows to the largest pass and never shrinks,
 * which is why the drivers bound their passes or, through kernelsFor, take
 * an instance of their own. A driver may keep data at the start of the area
 * from one call to the next (keep), beside passes that work after it
 * (reserveAfterKept) and until any other reserves the area.
 */
export function loadKernels(): Kernels {
  shared ??= instantiateKernels(SHARED_SCRATCH_BYTES);
  return shared;
}

/** Scratch bytes a pass may take from the shared area, which never shrinks. */
export const SHARED_SCRATCH_BYTES = 8 << 20;

/**
 * What a block kept in the shared area leaves free there, for the passes
 * that run between its owner's calls (the mockup's warp and blend runs).
 */
export const KEPT_HEADROOM_BYTES = 1 << 20;

/** The shared kernels for a pass of up to SHARED_SCRATCH_BYTES, else an instance of its own, freed with it. */
export const kernelsFor = (bytes: number): Kernels => (bytes <= SHARED_SCRATCH_BYTES ? loadKernels() : instantiateKernels(Infinity));

/**
 * An instance of the kernels. `budget` bounds a kept block and a pass after
 * it together: the shared area's bound, or none for an instance of its own,
 * freed with it, for a pass that needs more memory than the shared area should keep.
 */
function instantiateKernels(budget: number): Kernels {
  module ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));
  const instance = new WebAssembly.Instance(module, {});
  const exports = instance.exports as {
    memory: WasmMemory;
    __heap_base: { readonly value: number };
    init: () => void;
    nearest_row: Kernels['nearestRow'];
    bilinear_row: Kernels['bilinearRow'];
    bilinear_row_flat: Kernels['bilinearRowFlat'];
    bilinear_flat_count: Kernels['bilinearFlatCount'];
    composite_row: Kernels['compositeRow'];
    area_add_row: Kernels['areaAddRow'];
    area_store: Kernels['areaStore'];
    mask_luma: Kernels['maskLuma'];
    resample_horizontal: Kernels['resampleHorizontal'];
    resample_vertical: Kernels['resampleVertical'];
    premultiply_rgba: Kernels['premultiplyRgba'];
    unpremultiply_rgba: Kernels['unpremultiplyRgba'];
    rotate_row: Kernels['rotateRow'];
    png_unfilter: Kernels['pngUnfilter'];
    rgb_to_rgba: Kernels['rgbToRgba'];
    sample_bilinear: Kernels['sampleBilinear'];
    warp_rect: Kernels['warpRect'];
    blend_channel: Kernels['blendChannel'];
    blend_run: Kernels['blendRun'];
    gaussian_across: Kernels['gaussianAcross'];
    gaussian_down: Kernels['gaussianDown'];
    image_diff: Kernels['imageDiff'];
  };
  exports.init();
  const { memory } = exports;
  const scratchStart = align16(Number(exports.__heap_base.value));
  let views: ScratchViews | undefined;
  let kept: { readonly owner: object; readonly end: number } | undefined;
  const reserve = (bytes: number): ScratchViews => {
    const needed = scratchStart + bytes;
    if (needed > memory.buffer.byteLength) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
    if (views?.bytes.buffer !== memory.buffer) {
      const { buffer } = memory;
      views = { bytes: new Uint8Array(buffer), ints: new Int32Array(buffer), floats: new Float32Array(buffer), doubles: new Float64Array(buffer) };
    }
    return views;
  };
  return {
    nearestRow: exports.nearest_row,
    bilinearRow: exports.bilinear_row,
    bilinearRowFlat: exports.bilinear_row_flat,
    bilinearFlatCount: exports.bilinear_flat_count,
    compositeRow: exports.composite_row,
    areaAddRow: exports.area_add_row,
    areaStore: exports.area_store,
    maskLuma: exports.mask_luma,
    resampleHorizontal: exports.resample_horizontal,
    resampleVertical: exports.resample_vertical,
    premultiplyRgba: exports.premultiply_rgba,
    unpremultiplyRgba: exports.unpremultiply_rgba,
    rotateRow: exports.rotate_row,
    pngUnfilter: exports.png_unfilter,
    rgbToRgba: exports.rgb_to_rgba,
    sampleBilinear: exports.sample_bilinear,
    warpRect: exports.warp_rect,
    blendChannel: exports.blend_channel,
    blendRun: exports.blend_run,
    gaussianAcross: exports.gaussian_across,
    gaussianDown: exports.gaussian_down,
    imageDiff: exports.image_diff,
    scratchStart,
    reserve(bytes) {
      kept = undefined;
      return reserve(bytes);
    },
    keep(owner, bytes) {
      kept = { owner, end: align16(scratchStart + bytes) };
    },
    holds: (owner) => kept?.owner === owner,
    reserveAfterKept(bytes) {
      if (kept && kept.end - scratchStart + bytes > budget) kept = undefined;
      const start = kept?.end ?? scratchStart;
      return { start, views: reserve(start - scratchStart + bytes) };
    },
  };
}
