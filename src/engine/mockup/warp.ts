import type { Rect, Rgba } from '../raster.js';
import { align16, KEPT_HEADROOM_BYTES, kernelsFor, type Kernels } from '../wasm/kernels.js';
import { forEachRun } from '../wasm/passes.js';
import type { AreaRect, Homography } from './geometry.js';

/** A displacement ready to apply: the blurred luma D of the base's size, and (sx, sy) in base pixels. */
export interface Displacement {
  readonly luma: Uint8Array;
  readonly strength: readonly [number, number];
}

/** What steps 4–6 need of one layer, everything already decoded and prepared. */
export interface WarpLayer {
  /** The design as drawn: cropped and pre-reduced (fit.ts). */
  readonly design: Rgba;
  /** Base coordinates to area coordinates: the inverse of the area-to-quad homography. */
  readonly toArea: Homography;
  /** Where the design lies in the area rectangle (fit.ts). */
  readonly drawn: AreaRect;
  /** The base's width: the row length of `clip` and the displacement luma. */
  readonly baseWidth: number;
  readonly opacity: number;
  /** The clip's luma, the base's size, row-major; none = 255 everywhere. */
  readonly clip?: Uint8Array | undefined;
  readonly displacement?: Displacement | undefined;
}

/**
 * Steps 4 and 6 for one pixel: the design at (sx, sy) in pixel-centre
 * coordinates (pixel i's centre at i), bilinear on premultiplied RGBA 0–1,
 * every tap outside the design transparent, times `coverage`. In float64,
 * rounded to float32 once, as it is stored at out[at..at+3]. The warp's own
 * sampler (sample_bilinear in wasm/kernels.c), one point at a time.
 */
export function sampleBilinear(design: Rgba, sx: number, sy: number, coverage: number, out: Float32Array, at: number): void {
  const bytes = design.width * design.height * 4;
  const kernels = kernelsFor(align16(bytes) + 16);
  const { scratchStart } = kernels;
  const result = align16(scratchStart + bytes);
  const views = kernels.reserve(result + 16 - scratchStart);
  views.bytes.set(design.data.subarray(0, bytes), scratchStart);
  kernels.sampleBilinear(scratchStart, design.width, design.height, sx, sy, coverage, result);
  out.set(views.floats.subarray(result >> 2, (result >> 2) + 4), at);
}

/** Base pixels a kernel call takes: their floats, clip and luma stay within the headroom the design leaves. */
const RUN_PIXELS = 1 << 14;
/** The layer's numbers for the kernel, before the design in the kept block. */
const PARAMETERS_BYTES = 16 * 8;

/** A layer's design and numbers in a kernel instance's memory, kept there across the layer's bands. */
interface ResidentLayer {
  readonly kernels: Kernels;
  readonly parameters: number;
  readonly design: number;
}

/** By layer: the pipeline warps a layer band by band, and the design is copied in once. */
const residents = new WeakMap<WarpLayer, ResidentLayer>();

/**
 * The layer in kernel memory: in the shared area while it fits beside the
 * runs that go between its bands (its own warp runs, blendInto's), else in an
 * instance of its own, freed with the layer. Copied in again when another
 * pass has used the shared area since.
 */
function residentLayer(layer: WarpLayer): ResidentLayer {
  const { design } = layer;
  const designBytes = design.width * design.height * 4;
  let resident = residents.get(layer);
  if (!resident) {
    const kernels = kernelsFor(PARAMETERS_BYTES + designBytes + KEPT_HEADROOM_BYTES);
    resident = { kernels, parameters: kernels.scratchStart, design: kernels.scratchStart + PARAMETERS_BYTES };
    residents.set(layer, resident);
  }
  const { kernels } = resident;
  if (!kernels.holds(resident)) {
    const { bytes, doubles } = kernels.reserve(PARAMETERS_BYTES + designBytes);
    const { toArea: m, drawn, opacity, displacement } = layer;
    const [shiftX, shiftY] = displacement?.strength ?? [0, 0];
    // Area units to design pixels (edges): through the drawn rectangle.
    const toU = design.width / drawn.width;
    const toV = design.height / drawn.height;
    doubles.set([...m, drawn.x, drawn.y, toU, toV, opacity, shiftX, shiftY], resident.parameters >> 3);
    bytes.set(design.data.subarray(0, designBytes), resident.design);
    kernels.keep(resident, PARAMETERS_BYTES + designBytes);
  }
  return resident;
}

/** Copies the rows of `run` out of a base-sized plane into `bytes` at `at`, one byte a pixel. */
function copyPlane(plane: Uint8Array, baseWidth: number, run: Rect, bytes: Uint8Array, at: number): void {
  for (let row = 0; row < run.height; row++) {
    const start = (run.y + row) * baseWidth + run.x;
    bytes.set(plane.subarray(start, start + run.width), at + row * run.width);
  }
}

/**
 * Steps 4–6 for the base pixels of `rect`: premultiplied RGBA 0–1, 4 floats a
 * pixel, row-major, coverage (opacity, clip) applied. Pixels the design does
 * not reach are 0. Written into `out` when given (at least 4·width·height floats).
 * The pixel loop is WebAssembly (warp_rect in wasm/kernels.c). The design
 * goes into the kernel's memory on a layer's first call and stays there for
 * its later ones: a layer's design must not change between calls.
 */
export function warpRect(layer: WarpLayer, rect: Rect, out: Float32Array = new Float32Array(rect.width * rect.height * 4)): Float32Array {
  if (rect.width <= 0 || rect.height <= 0) return out;
  const resident = residentLayer(layer);
  const { kernels } = resident;
  const { design, baseWidth, clip } = layer;
  const luma = layer.displacement?.luma;
  forEachRun(rect, RUN_PIXELS, (run, offset) => {
    const pixels = run.width * run.height;
    const planeBytes = align16(pixels);
    const { start, views } = kernels.reserveAfterKept(pixels * 16 + 2 * planeBytes);
    const clipAt = start + pixels * 16;
    const lumaAt = clipAt + planeBytes;
    if (clip) copyPlane(clip, baseWidth, run, views.bytes, clipAt);
    if (luma) copyPlane(luma, baseWidth, run, views.bytes, lumaAt);
    kernels.warpRect(resident.parameters, resident.design, design.width, design.height, clip ? clipAt : 0, luma ? lumaAt : 0, run.x, run.y, run.width, run.height, start);
    out.set(views.floats.subarray(start >> 2, (start >> 2) + pixels * 4), offset * 4);
  });
  return out;
}
