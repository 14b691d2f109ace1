import type { Raster, Rect } from '../raster.js';
import { loadKernels } from '../wasm/kernels.js';
import { forEachRun } from '../wasm/passes.js';

/** In the order of the kernels' modes (wasm/kernels.c), which take a mode by its index here. */
export const BLEND_MODES = ['normal', 'multiply', 'screen', 'overlay', 'darken', 'lighten', 'color-dodge', 'color-burn', 'hard-light', 'soft-light', 'difference', 'exclusion'] as const;
export type BlendMode = (typeof BLEND_MODES)[number];

const MODE_INDEX = new Map<BlendMode, number>(BLEND_MODES.map((mode, i) => [mode, i]));
const modeIndex = (mode: BlendMode): number => MODE_INDEX.get(mode)!;

/** W3C Compositing and Blending Level 1 separable blend B(Cb, Cs) on 0–1 floats: the blend kernel's own (blend_channel in wasm/kernels.c). */
export function blendChannel(mode: BlendMode, cb: number, cs: number): number {
  return loadKernels().blendChannel(modeIndex(mode), cb, cs);
}

/** Base pixels a kernel call takes: few enough to fit beside a layer's design kept in the shared area (warp.ts). */
const RUN_PIXELS = 1 << 14;

/**
 * MOCKUP.md step 7 over `base` (RGB or RGBA bytes, `channels` 3 or 4) inside `rect` (base coordinates, already clipped to the base):
 * `source` holds rect.width*rect.height premultiplied RGBA float samples in 0–1 (row-major, 4 floats a pixel), coverage already applied to alpha and colour.
 * A pixel whose source alpha is 0 is left untouched byte for byte. Otherwise, with Cs = source.rgb/αs, Cb = base/255, αb = base alpha/255 (1 for RGB):
 * Cs' = (1−αb)·Cs + αb·B(Cb,Cs); co = αs·Cs' + αb·Cb·(1−αs); αo = αs + αb·(1−αs); Co = co/αo; bytes = floor(v·255 + 0.5) clamped 0–255 (halves up). Alpha written for RGBA bases. Where αo is 0, leave colour as is.
 * In float64, in WebAssembly (blend_run in wasm/kernels.c): each run of the rectangle's pixels is copied in with its samples, blended and copied back.
 */
export function blendInto(base: Raster, rect: Rect, source: Float32Array, mode: BlendMode): void {
  if (source.length < rect.width * rect.height * 4) throw new RangeError(`blendInto: ${source.length} floats for a ${rect.width}x${rect.height} rectangle`);
  const kernels = loadKernels();
  const { data, channels } = base;
  const index = modeIndex(mode);
  forEachRun(rect, RUN_PIXELS, (run, offset) => {
    const pixels = run.width * run.height;
    const rowBytes = run.width * channels;
    const { start, views } = kernels.reserveAfterKept(pixels * (16 + channels));
    const baseAt = start + pixels * 16;
    views.floats.set(source.subarray(offset * 4, (offset + pixels) * 4), start >> 2);
    for (let row = 0; row < run.height; row++) {
      const at = ((run.y + row) * base.width + run.x) * channels;
      views.bytes.set(data.subarray(at, at + rowBytes), baseAt + row * rowBytes);
    }
    kernels.blendRun(baseAt, channels, start, pixels, index);
    for (let row = 0; row < run.height; row++) {
      const at = baseAt + row * rowBytes;
      data.set(views.bytes.subarray(at, at + rowBytes), ((run.y + row) * base.width + run.x) * channels);
    }
  });
}
