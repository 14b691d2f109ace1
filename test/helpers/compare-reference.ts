/**
 * Image comparison as plain JavaScript, the oracle of the WebAssembly kernel
 * (image_diff in src/engine/wasm/kernels.c): a loop over pixels, and for a
 * threshold pixelmatch's colour distance written out as pixelmatch 7 computes it.
 */

/** pixelmatch's colorDelta (checkerboard background): the squared YIQ distance, negative where `e` is darker; `k` is the byte offset. */
export function referenceYiqDelta(a: Uint8Array, e: Uint8Array, k: number): number {
  const [r1, g1, b1, a1] = [a[k]!, a[k + 1]!, a[k + 2]!, a[k + 3]!];
  const [r2, g2, b2, a2] = [e[k]!, e[k + 1]!, e[k + 2]!, e[k + 3]!];
  let dr = r1 - r2;
  let dg = g1 - g2;
  let db = b1 - b2;
  const da = a1 - a2;
  if (a1 < 255 || a2 < 255) {
    const rb = 48 + 159 * (k % 2);
    const gb = 48 + 159 * (((k / 1.618033988749895) | 0) % 2);
    const bb = 48 + 159 * (((k / 2.618033988749895) | 0) % 2);
    dr = (r1 * a1 - r2 * a2 - rb * da) / 255;
    dg = (g1 * a1 - g2 * a2 - gb * da) / 255;
    db = (b1 * a1 - b2 * a2 - bb * da) / 255;
  }
  const y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const i = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  const q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
  const delta = 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q;
  return y > 0 ? -delta : delta;
}

/**
 * One pass over both images: the pixels counted (every differing one, or with
 * a threshold those beyond it), the pixels that differ at all, the channel
 * differences' sum and maximum, and the diff picture (red where a pixel is
 * counted, elsewhere the first image faded into white, as pixelmatch draws it).
 */
export function referenceImageDiff(
  a: Uint8Array,
  e: Uint8Array,
  diff: Uint8Array,
  threshold?: number,
): { counted: number; differing: number; sum: number; max: number } {
  const maxDelta = threshold === undefined ? -1 : 35215 * threshold * threshold;
  let counted = 0;
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
    if (pixelMax > 0) differing++;
    const isCounted = pixelMax > 0 && (maxDelta < 0 || Math.abs(referenceYiqDelta(a, e, i)) > maxDelta);
    if (isCounted) {
      counted++;
      diff[i] = 255;
      diff[i + 1] = 0;
      diff[i + 2] = 0;
    } else {
      const luma = 0.29889531 * a[i]! + 0.58662247 * a[i + 1]! + 0.11448223 * a[i + 2]!;
      diff[i] = diff[i + 1] = diff[i + 2] = 255 + ((luma - 255) * 0.1 * a[i + 3]!) / 255;
    }
    diff[i + 3] = 255;
  }
  return { counted, differing, sum, max };
}
