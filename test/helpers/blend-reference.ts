/**
 * The mockup's blend and composite (MOCKUP.md step 7) as plain JavaScript:
 * the code the WebAssembly kernels replaced (blend_channel and blend_run in
 * src/engine/wasm/kernels.c), kept as their oracle.
 */
import type { BlendMode } from '../../src/engine/mockup/blend.js';
import type { Raster, Rect } from '../../src/engine/raster.js';

type Blend = (cb: number, cs: number) => number;

const multiply: Blend = (cb, cs) => cb * cs;
const screen: Blend = (cb, cs) => cb + cs - cb * cs;
const hardLight: Blend = (cb, cs) => (cs <= 0.5 ? multiply(cb, 2 * cs) : screen(cb, 2 * cs - 1));
const softLightD = (cb: number): number => (cb <= 0.25 ? ((16 * cb - 12) * cb + 4) * cb : Math.sqrt(cb));

/** The specification's separable blend functions B(Cb, Cs), as it writes them. */
const BLENDS = {
  normal: (_cb, cs) => cs,
  multiply,
  screen,
  overlay: (cb, cs) => hardLight(cs, cb),
  darken: (cb, cs) => Math.min(cb, cs),
  lighten: (cb, cs) => Math.max(cb, cs),
  'color-dodge': (cb, cs) => (cb === 0 ? 0 : cs === 1 ? 1 : Math.min(1, cb / (1 - cs))),
  'color-burn': (cb, cs) => (cb === 1 ? 1 : cs === 0 ? 0 : 1 - Math.min(1, (1 - cb) / cs)),
  'hard-light': hardLight,
  'soft-light': (cb, cs) => (cs <= 0.5 ? cb - (1 - 2 * cs) * cb * (1 - cb) : cb + (2 * cs - 1) * (softLightD(cb) - cb)),
  difference: (cb, cs) => Math.abs(cb - cs),
  exclusion: (cb, cs) => cb + cs - 2 * cb * cs,
} as const satisfies Record<BlendMode, Blend>;

/** W3C Compositing and Blending Level 1 separable blend B(Cb, Cs) on 0–1 floats. */
export function referenceBlendChannel(mode: BlendMode, cb: number, cs: number): number {
  return BLENDS[mode](cb, cs);
}

const toByte = (v: number): number => Math.min(255, Math.max(0, Math.floor(v * 255 + 0.5)));

/**
 * MOCKUP.md step 7 over `base` (RGB or RGBA bytes, `channels` 3 or 4) inside `rect` (base coordinates, already clipped to the base):
 * `source` holds rect.width*rect.height premultiplied RGBA float samples in 0–1 (row-major, 4 floats a pixel), coverage already applied to alpha and colour.
 * A pixel whose source alpha is 0 is left untouched byte for byte. Otherwise, with Cs = source.rgb/αs, Cb = base/255, αb = base alpha/255 (1 for RGB):
 * Cs' = (1−αb)·Cs + αb·B(Cb,Cs); co = αs·Cs' + αb·Cb·(1−αs); αo = αs + αb·(1−αs); Co = co/αo; bytes = floor(v·255 + 0.5) clamped 0–255 (halves up). Alpha written for RGBA bases. Where αo is 0, leave colour as is.
 */
export function referenceBlendInto(base: Raster, rect: Rect, source: Float32Array, mode: BlendMode): void {
  if (source.length < rect.width * rect.height * 4) throw new RangeError(`blendInto: ${source.length} floats for a ${rect.width}x${rect.height} rectangle`);
  const blend = BLENDS[mode];
  const { data, channels } = base;
  for (let row = 0, s = 0; row < rect.height; row++) {
    for (let col = 0, b = ((rect.y + row) * base.width + rect.x) * channels; col < rect.width; col++, s += 4, b += channels) {
      // Float32 samples can put α a hair over 1 and colour a hair over α: the blend functions want 0–1.
      const as = Math.min(1, source[s + 3]!);
      if (!(as > 0)) continue;
      const ab = channels === 4 ? data[b + 3]! / 255 : 1;
      const ao = as + ab * (1 - as);
      if (ao > 0) {
        for (let c = 0; c < 3; c++) {
          const cs = Math.min(1, Math.max(0, source[s + c]! / as));
          const cb = data[b + c]! / 255;
          const mixed = (1 - ab) * cs + ab * blend(cb, cs);
          const co = as * mixed + ab * cb * (1 - as);
          data[b + c] = toByte(co / ao);
        }
      }
      if (channels === 4) data[b + 3] = toByte(ao);
    }
  }
}
