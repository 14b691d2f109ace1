/**
 * The rotation (step 5) as plain JavaScript: the scalar code the WebAssembly
 * kernels replaced (src/engine/wasm/kernels.c), kept as their oracle.
 */
import { rgba, type Rgba, type Size } from '../../src/engine/raster.js';
import { rotationGeometry, type RotationRegion } from '../../src/engine/rotate.js';

/** Pillow's MULDIV255: (a·b + 128 + ((a·b + 128) >> 8)) >> 8. */
const mulDiv255 = (a: number, b: number): number => {
  const t = a * b + 128;
  return ((t >>> 8) + t) >>> 8;
};

/** RGBA -> Pillow "RGBa" (8-bit premultiplied). */
function premultiply8(image: Rgba): Uint8Array {
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    out[i] = mulDiv255(src[i]!, a);
    out[i + 1] = mulDiv255(src[i + 1]!, a);
    out[i + 2] = mulDiv255(src[i + 2]!, a);
    out[i + 3] = a;
  }
  return out;
}

/** "RGBa" -> RGBA in place, truncating as Pillow's rgba2rgbA does. */
function unpremultiply8InPlace(data: Uint8Array): void {
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3]!;
    if (a === 0 || a === 255) continue;
    data[i] = Math.min(255, Math.trunc((255 * data[i]!) / a));
    data[i + 1] = Math.min(255, Math.trunc((255 * data[i + 1]!) / a));
    data[i + 2] = Math.min(255, Math.trunc((255 * data[i + 2]!) / a));
  }
}

/** Pillow's cubic convolution with a = −1, in double, for four samples at fraction d. */
function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  const p1 = v2;
  const p2 = -v1 + v3;
  const p3 = 2 * (v1 - v2) + v3 - v4;
  const p4 = -v1 + v2 - v3 + v4;
  return p1 + d * (p2 + d * (p3 + d * p4));
}

function cubicAlongRow(src: Uint8Array, rowStart: number, xTaps: Int32Array, dx: number): number {
  return cubic(src[rowStart + xTaps[0]!]!, src[rowStart + xTaps[1]!]!, src[rowStart + xTaps[2]!]!, src[rowStart + xTaps[3]!]!, dx);
}

/** Source pixel (full-overlay coordinates) of canvas pixel (u, v) in a quarter turn, counter-clockwise. */
function quarterSource(turns: 1 | 2 | 3, size: Size, u: number, v: number): [number, number] {
  const { width: w, height: h } = size;
  return turns === 1 ? [w - 1 - v, u] : turns === 2 ? [w - 1 - u, h - 1 - v] : [v, h - 1 - u];
}

/**
 * Quarter turns move whole pixels, as Pillow's rotate does for 90/180/270, so a
 * 2x1 overlay becomes 1x2. Like the reference, the pixels still make the
 * "RGBa" round trip, which quantises semi-transparent colour.
 */
function quarterTurn(image: Rgba, turns: 1 | 2 | 3, region: RotationRegion): Rgba {
  const src = premultiply8(image);
  const { output, source } = region;
  const out = rgba(output.width, output.height);
  const dst = out.data;
  let o = 0;
  for (let v = output.y; v < output.y + output.height; v++) {
    for (let u = output.x; u < output.x + output.width; u++, o += 4) {
      const [x, y] = quarterSource(turns, region.overlay, u, v);
      const s = ((y - source.y) * image.width + (x - source.x)) * 4;
      dst[o] = src[s]!;
      dst[o + 1] = src[s + 1]!;
      dst[o + 2] = src[s + 2]!;
      dst[o + 3] = src[s + 3]!;
    }
  }
  unpremultiply8InPlace(dst);
  return out;
}

/**
 * Step 5: counter-clockwise rotation with an expanded canvas, as Pillow's
 * `rotate(degrees, resample=BICUBIC, expand=True)` computes it on "RGBa",
 * for `region.output` of the canvas.
 */
export function referenceRotate(image: Rgba, degrees: number, whole: RotationRegion): Rgba {
  const angle = degrees % 360;
  if (angle === 0) return image;
  if (angle % 90 === 0) return quarterTurn(image, (angle / 90) as 1 | 2 | 3, whole);
  const { matrix } = rotationGeometry(whole.overlay, degrees);
  const [a, b, c, d, e, f] = matrix;
  const src = premultiply8(image);
  const { width: w, height: h } = whole.overlay;
  const { output, source } = whole;
  const out = rgba(output.width, output.height);
  const dst = out.data;
  const stride = image.width * 4;
  const xTaps = new Int32Array(4);
  const rows = new Int32Array(4);
  let o = 0;
  for (let v = output.y; v < output.y + output.height; v++) {
    const yin0 = v + 0.5;
    for (let u = output.x; u < output.x + output.width; u++, o += 4) {
      const xin0 = u + 0.5;
      let xin = a * xin0 + b * yin0 + c;
      let yin = d * xin0 + e * yin0 + f;
      // A centre mapping outside the source stays fully transparent.
      if (xin < 0 || xin >= w || yin < 0 || yin >= h) continue;
      xin -= 0.5;
      yin -= 0.5;
      const x = Math.floor(xin);
      const y = Math.floor(yin);
      const dx = xin - x;
      const dy = yin - y;
      if (x >= 1 && x + 2 < w && y >= 1 && y + 2 < h) {
        // Inside: all 16 taps are real pixels, a 4x4 block starting here.
        const start = (y - 1 - source.y) * stride + (x - 1 - source.x) * 4;
        for (let band = 0; band < 4; band++) {
          const q = start + band;
          const value = cubic(
            cubic(src[q]!, src[q + 4]!, src[q + 8]!, src[q + 12]!, dx),
            cubic(src[q + stride]!, src[q + stride + 4]!, src[q + stride + 8]!, src[q + stride + 12]!, dx),
            cubic(src[q + 2 * stride]!, src[q + 2 * stride + 4]!, src[q + 2 * stride + 8]!, src[q + 2 * stride + 12]!, dx),
            cubic(src[q + 3 * stride]!, src[q + 3 * stride + 4]!, src[q + 3 * stride + 8]!, src[q + 3 * stride + 12]!, dx),
            dy,
          );
          dst[o + band] = value <= 0 ? 0 : value >= 255 ? 255 : Math.trunc(value);
        }
        continue;
      }
      // At the edges taps are clamped inside the whole overlay, then read from the part held.
      for (let t = 0; t < 4; t++) {
        xTaps[t] = (Math.min(Math.max(x - 1 + t, 0), w - 1) - source.x) * 4;
        rows[t] = (Math.min(Math.max(y - 1 + t, 0), h - 1) - source.y) * stride;
      }
      for (let band = 0; band < 4; band++) {
        const value = cubic(
          cubicAlongRow(src, rows[0]! + band, xTaps, dx),
          cubicAlongRow(src, rows[1]! + band, xTaps, dx),
          cubicAlongRow(src, rows[2]! + band, xTaps, dx),
          cubicAlongRow(src, rows[3]! + band, xTaps, dx),
          dy,
        );
        dst[o + band] = value <= 0 ? 0 : value >= 255 ? 255 : Math.trunc(value);
      }
    }
  }
  unpremultiply8InPlace(dst);
  return out;
}
