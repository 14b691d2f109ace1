import { opaqueLuma } from '../mask.js';
import type { Raster } from '../raster.js';
import { align16, kernelsFor, SHARED_SCRATCH_BYTES } from '../wasm/kernels.js';

/** The normalised Gaussian taps for offsets −radius..radius, radius ceil(3·blur). */
export function gaussianTaps(blur: number): Float64Array {
  const radius = Math.ceil(3 * blur);
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) {
    const weight = Math.exp(-(k * k) / (2 * blur * blur));
    taps[k + radius] = weight;
    sum += weight;
  }
  for (let k = 0; k < taps.length; k++) taps[k]! /= sum;
  return taps;
}

/**
 * MOCKUP.md step 5: the displacement map's luma D, blurred: a Gaussian of `blur` pixels (radius ceil(3·blur),
 * weights exp(−x²/(2·blur²)) normalised, edges clamped), horizontal then vertical pass in float64, rounded to
 * 8 bits once after both (round half up). blur 0: the luma as it is. WebAssembly SIMD (gaussian_across and
 * gaussian_down in wasm/kernels.c), each pixel's sums in the same order as plain float64 code.
 */
export function displacementLuma(map: Raster, blur: number): Uint8Array {
  const luma = opaqueLuma(map).data;
  // A negative or NaN blur never passes the contract; here it means none, as does one so small that
  // its variance underflows to 0 (the weights would be NaN).
  if (!(2 * blur * blur > 0)) return luma;
  const { width, height } = map;
  const taps = gaussianTaps(blur);
  const radius = (taps.length - 1) / 2;
  const layout = blurLayout(width, height, taps.length);
  const kernels = kernelsFor(layout.bytes);
  const { bytes, doubles } = kernels.reserve(layout.bytes);
  const at = (offset: number) => kernels.scratchStart + offset;
  doubles.set(taps, at(layout.taps) / 8);

  // Strips of output rows; the horizontal pass runs once a row, as far ahead as a strip's vertical pass reads.
  const out = new Uint8Array(width * height);
  const { strip, ringRows } = layout;
  for (let y0 = 0, computed = 0; y0 < height; y0 += strip) {
    const count = Math.min(strip, height - y0);
    for (const needed = Math.min(height, y0 + count + radius); computed < needed; ) {
      const chunk = Math.min(strip, needed - computed);
      bytes.set(luma.subarray(computed * width, (computed + chunk) * width), at(layout.luma));
      kernels.gaussianAcross(at(layout.luma), width, computed, chunk, at(layout.taps), radius, at(layout.line), at(layout.ring), ringRows);
      computed += chunk;
    }
    kernels.gaussianDown(at(layout.ring), ringRows, width, height, y0, count, at(layout.taps), radius, at(layout.rows), at(layout.out));
    out.set(bytes.subarray(at(layout.out), at(layout.out) + count * width), y0 * width);
  }
  return out;
}

/**
 * Where the blur's buffers go in kernel memory, from scratchStart: its taps, room for the vertical pass's row
 * pointers, the padded line, the ring of horizontal rows (a strip's rows and `radius` either side, at most the
 * image), and a strip of luma rows in and of bytes out. Strips as tall as the shared area allows; where not even
 * a few rows fit (wide images under wide blurs), an instance of their own.
 */
function blurLayout(width: number, height: number, tapCount: number) {
  const radius = (tapCount - 1) / 2;
  const at = (strip: number) => {
    const ringRows = Math.min(height, strip + 2 * radius);
    const rows = align16(tapCount * 8);
    const line = rows + align16(tapCount * 4);
    const ring = line + align16((width + 2 * radius) * 8);
    const luma = ring + align16(ringRows * width * 8);
    const out = luma + align16(strip * width);
    return { strip, ringRows, taps: 0, rows, line, ring, luma, out, bytes: out + align16(strip * width) };
  };
  const whole = at(height);
  if (whole.bytes <= SHARED_SCRATCH_BYTES) return whole;
  const fixed = at(0).bytes + 64;
  return at(Math.min(height, Math.max(MIN_STRIP, Math.floor((SHARED_SCRATCH_BYTES - fixed) / (10 * width)))));
}

/** The shortest strip: fewer rows a call only add calls. */
const MIN_STRIP = 16;
