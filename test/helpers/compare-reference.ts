/**
 * The exact image comparison as plain JavaScript: the loop src/golden/compare.ts
 * ran before the WebAssembly kernel (exact_diff in src/engine/wasm/kernels.c),
 * kept as its oracle.
 */

/**
 * One pass over both images: the pixels that differ at all, the channel
 * differences' sum and maximum, and the diff picture (red where a pixel
 * differs, elsewhere the first image faded into white, as pixelmatch draws its own).
 */
export function referenceExactDiff(a: Uint8Array, e: Uint8Array, diff: Uint8Array): { differing: number; sum: number; max: number } {
  let differing = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i += 4) {
    let pixelMax = 0;
    for (let c = i; c < i + 4; c++) {
      const d = Math.abs(a[c]! - e[c]!);
      sum += d;
      if (d > pixelMax) pixelMax = d;
    }
    if (pixelMax > max) max = pixelMax;
    if (pixelMax > 0) {
      differing++;
      diff[i] = 255;
      diff[i + 1] = 0;
      diff[i + 2] = 0;
    } else {
      const luma = 0.29889531 * a[i]! + 0.58662247 * a[i + 1]! + 0.11448223 * a[i + 2]!;
      diff[i] = diff[i + 1] = diff[i + 2] = 255 + ((luma - 255) * 0.1 * a[i + 3]!) / 255;
    }
    diff[i + 3] = 255;
  }
  return { differing, sum, max };
}
