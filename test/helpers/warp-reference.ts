/**
 * The mockup's warp (MOCKUP.md steps 4–6) as plain JavaScript: the code the
 * WebAssembly kernels replaced (sample_bilinear and warp_rect in
 * src/engine/wasm/kernels.c), kept as their oracle.
 */
import type { WarpLayer } from '../../src/engine/mockup/warp.js';
import type { Rect, Rgba } from '../../src/engine/raster.js';

/**
 * Steps 4 and 6 for one pixel: the design at (sx, sy) in pixel-centre
 * coordinates (pixel i's centre at i), bilinear on premultiplied RGBA 0–1,
 * every tap outside the design transparent, times `coverage`. In float64,
 * rounded to float32 once, as it is stored at out[at..at+3].
 */
export function referenceSampleBilinear(design: Rgba, sx: number, sy: number, coverage: number, out: Float32Array, at: number): void {
  const { width, height, data } = design;
  // Also false for NaN, as where the inverse map has w = 0.
  if (!(coverage > 0 && sx > -1 && sx < width && sy > -1 && sy < height)) {
    out[at] = out[at + 1] = out[at + 2] = out[at + 3] = 0;
    return;
  }
  const x0 = Math.floor(sx);
  const y0 = Math.floor(sy);
  const fx = sx - x0;
  const fy = sy - y0;
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let ty = 0; ty < 2; ty++) {
    const y = y0 + ty;
    const wy = ty === 0 ? 1 - fy : fy;
    if (y < 0 || y >= height || wy === 0) continue;
    for (let tx = 0; tx < 2; tx++) {
      const x = x0 + tx;
      const wx = tx === 0 ? 1 - fx : fx;
      if (x < 0 || x >= width || wx === 0) continue;
      const i = (y * width + x) * 4;
      const alpha = data[i + 3]! / 255;
      const weight = wx * wy;
      r += weight * ((data[i]! / 255) * alpha);
      g += weight * ((data[i + 1]! / 255) * alpha);
      b += weight * ((data[i + 2]! / 255) * alpha);
      a += weight * alpha;
    }
  }
  out[at] = r * coverage;
  out[at + 1] = g * coverage;
  out[at + 2] = b * coverage;
  out[at + 3] = a * coverage;
}

/**
 * Steps 4–6 for the base pixels of `rect`: premultiplied RGBA 0–1, 4 floats a
 * pixel, row-major, coverage (opacity, clip) applied. Pixels the design does
 * not reach are 0. Written into `out` when given (at least 4·width·height floats).
 */
export function referenceWarpRect(layer: WarpLayer, rect: Rect, out: Float32Array = new Float32Array(rect.width * rect.height * 4)): Float32Array {
  const { design, toArea: m, drawn, baseWidth, opacity, clip, displacement } = layer;
  // Area units to design pixels (edges): through the drawn rectangle.
  const toU = design.width / drawn.width;
  const toV = design.height / drawn.height;
  const luma = displacement?.luma;
  const [shiftX, shiftY] = displacement?.strength ?? [0, 0];
  for (let row = 0, at = 0; row < rect.height; row++) {
    const y = rect.y + row;
    for (let col = 0; col < rect.width; col++, at += 4) {
      const x = rect.x + col;
      let px = x + 0.5;
      let py = y + 0.5;
      if (luma) {
        const d = (luma[y * baseWidth + x]! - 128) / 128;
        px += shiftX * d;
        py += shiftY * d;
      }
      const w = m[6] * px + m[7] * py + m[8];
      const ax = (m[0] * px + m[1] * py + m[2]) / w;
      const ay = (m[3] * px + m[4] * py + m[5]) / w;
      const u = (ax - drawn.x) * toU;
      const v = (ay - drawn.y) * toV;
      const coverage = clip ? opacity * (clip[y * baseWidth + x]! / 255) : opacity;
      referenceSampleBilinear(design, u - 0.5, v - 0.5, coverage, out, at);
    }
  }
  return out;
}
