import type { Raster, Rgba } from '../../src/engine/raster.js';

const PRECISION_BITS = 7;
const shiftDiv255 = (x: number): number => ((x >>> 8) + x) >>> 8;

/**
 * Pillow 9.4's integer alpha_composite in plain JavaScript, pixel by pixel:
 * the engine's implementation before its loop moved to WebAssembly. The
 * overlay lies wholly on the base at (x, y).
 */
export function referenceCompositeOver(base: Raster, overlay: Rgba, x: number, y: number): void {
  const dst = base.data;
  const src = overlay.data;
  const bc = base.channels;
  for (let row = 0; row < overlay.height; row++) {
    for (let col = 0; col < overlay.width; col++) {
      const d = ((y + row) * base.width + x + col) * bc;
      const s = (row * overlay.width + col) * 4;
      const sa = src[s + 3]!;
      if (sa === 0) continue;
      const da = bc === 4 ? dst[d + 3]! : 255;
      const outa255 = sa * 255 + da * (255 - sa);
      const coef1 = Math.trunc((sa * 255 * 255 * (1 << PRECISION_BITS)) / outa255);
      const coef2 = 255 * (1 << PRECISION_BITS) - coef1;
      const round = 0x80 << PRECISION_BITS;
      for (let c = 0; c < 3; c++) dst[d + c] = shiftDiv255(src[s + c]! * coef1 + dst[d + c]! * coef2 + round) >>> PRECISION_BITS;
      if (bc === 4) dst[d + 3] = shiftDiv255(outa255 + 0x80);
    }
  }
}
