/**
 * The displacement map's luma and Gaussian blur (MOCKUP.md step 5) as plain
 * JavaScript: the code the WebAssembly kernels replaced (gaussian_across and
 * gaussian_down in src/engine/wasm/kernels.c), kept as their oracle.
 */
import { opaqueLuma } from '../../src/engine/mask.js';
// The taps are the kernels' input, not their work: the oracle takes the same ones.
import { gaussianTaps } from '../../src/engine/mockup/displacement.js';
import type { Raster } from '../../src/engine/raster.js';

/**
 * MOCKUP.md step 5: the displacement map's luma D, blurred: a Gaussian of `blur` pixels (radius ceil(3·blur),
 * weights exp(−x²/(2·blur²)) normalised, edges clamped), horizontal then vertical pass in float64, rounded to
 * 8 bits once after both (round half up). blur 0: the luma as it is.
 */
export function referenceDisplacementLuma(map: Raster, blur: number): Uint8Array {
  const luma = opaqueLuma(map).data;
  // A negative or NaN blur never passes the contract; here it means none, as does one so small that
  // its variance underflows to 0 (the weights would be NaN).
  if (!(2 * blur * blur > 0)) return luma;
  const { width, height } = map;
  const taps = gaussianTaps(blur);
  const radius = (taps.length - 1) / 2;

  // Horizontal: each row copied once into a line padded with its edge values, so the taps need no clamping.
  const across = new Float64Array(width * height);
  const line = new Float64Array(width + 2 * radius);
  for (let y = 0, row = 0; y < height; y++, row += width) {
    for (let i = 0; i < line.length; i++) line[i] = luma[row + Math.min(width - 1, Math.max(0, i - radius))]!;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < taps.length; k++) sum += taps[k]! * line[x + k]!;
      across[row + x] = sum;
    }
  }

  // Vertical: whole rows at a time (clamped row indices), so the reads run along memory.
  const out = new Uint8Array(width * height);
  const sums = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    sums.fill(0);
    for (let k = 0; k < taps.length; k++) {
      const weight = taps[k]!;
      const from = Math.min(height - 1, Math.max(0, y + k - radius)) * width;
      for (let x = 0; x < width; x++) sums[x] = sums[x]! + weight * across[from + x]!;
    }
    for (let x = 0; x < width; x++) out[y * width + x] = Math.min(255, Math.floor(sums[x]! + 0.5));
  }
  return out;
}
