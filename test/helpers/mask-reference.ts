/**
 * The mask's luma (step 3a) and resize (step 3b) as plain JavaScript, one
 * value at a time: the engine's implementation before its loops moved to
 * WebAssembly, checked bit-exact then against Pillow 9.4. The tests hold the
 * kernels to it.
 */
import { fixedPointTaps, type Grey } from '../../src/engine/mask.js';
import { type Rgba, type Size } from '../../src/engine/raster.js';

const PRECISION_BITS = 32 - 8 - 2;

/** Pillow's ((x >> 8) + x) >> 8: division by 255 for the ranges used here. */
const shiftDiv255 = (x: number): number => ((x >>> 8) + x) >>> 8;

/**
 * Step 3a as plain JavaScript: flattens alpha onto black (Pillow's alpha_composite over opaque black),
 * then takes ITU-R 601 luma with Pillow's fixed point: (19595 R + 38470 G + 7471 B + 0x8000) >> 16.
 */
export function referenceMaskLuma(mask: Rgba): Grey {
  const src = mask.data;
  const out = new Uint8Array(mask.width * mask.height);
  for (let i = 0, p = 0; p < out.length; i += 4, p++) {
    const a = src[i + 3]!;
    let r = src[i]!, g = src[i + 1]!, b = src[i + 2]!;
    if (a === 0) {
      r = g = b = 0;
    } else if (a !== 255) {
      // Over opaque black, coef1 = a · 128 (7 bits of precision) and the black term is 0.
      r = shiftDiv255(r * a * 128 + (0x80 << 7)) >>> 7;
      g = shiftDiv255(g * a * 128 + (0x80 << 7)) >>> 7;
      b = shiftDiv255(b * a * 128 + (0x80 << 7)) >>> 7;
    }
    out[p] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
  }
  return { width: mask.width, height: mask.height, data: out };
}

function clip8(v: number): number {
  if (v >= 1 << PRECISION_BITS << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

function resizeAxis(src: Grey, outSize: number, horizontal: boolean): Grey {
  const inSize = horizontal ? src.width : src.height;
  const { stride, bounds, weights } = fixedPointTaps(inSize, outSize);
  const width = horizontal ? outSize : src.width;
  const height = horizontal ? src.height : outSize;
  const out = new Uint8Array(width * height);
  const data = src.data;
  // Stride between neighbouring taps, and between lines across the axis.
  const step = horizontal ? 1 : src.width;
  const lines = horizontal ? src.height : src.width;
  const lineStride = horizontal ? src.width : 1;
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < outSize; i++) {
      const first = bounds[i * 2]!;
      const count = bounds[i * 2 + 1]!;
      let acc = 1 << (PRECISION_BITS - 1);
      let p = line * lineStride + first * step;
      for (let t = 0; t < count; t++, p += step) acc += data[p]! * weights[i * stride + t]!;
      out[horizontal ? line * width + i : i * width + line] = clip8(acc);
    }
  }
  return { width, height, data: out };
}

/** Step 3b as plain JavaScript: Pillow's `resize(size, BICUBIC)` on an "L" image, horizontal pass then vertical. */
export function referenceResizeBicubicPillow(src: Grey, size: Size): Grey {
  let out = src;
  if (size.width !== out.width) out = resizeAxis(out, size.width, true);
  if (size.height !== out.height) out = resizeAxis(out, size.height, false);
  return out;
}

