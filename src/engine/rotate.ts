import { rgba, type Rgba, type Size } from './raster.js';

/** Python's round(x, 15), correctly rounded as CPython does it. */
const round15 = (x: number): number => Number(x.toFixed(15));

export interface RotationGeometry {
  /** Size of the expanded canvas. */
  readonly size: Size;
  /** Output pixel centre -> source position: x = a·u + b·v + c, y = d·u + e·v + f. */
  readonly matrix: readonly [number, number, number, number, number, number];
}

/**
 * Pillow's `rotate(angle, expand=True)` geometry, in its own double arithmetic:
 * counter-clockwise about (w/2, h/2), canvas ceil(max) − floor(min) of the turned corners.
 */
export function rotationGeometry(size: Size, degrees: number): RotationGeometry {
  const { width: w, height: h } = size;
  const angle = -((degrees % 360) * (Math.PI / 180));
  const m = [round15(Math.cos(angle)), round15(Math.sin(angle)), 0, round15(-Math.sin(angle)), round15(Math.cos(angle)), 0];
  const apply = (x: number, y: number): [number, number] => [m[0]! * x + m[1]! * y + m[2]!, m[3]! * x + m[4]! * y + m[5]!];
  const cx = w / 2;
  const cy = h / 2;
  [m[2], m[5]] = apply(-cx, -cy);
  m[2] = m[2]! + cx;
  m[5] = m[5]! + cy;
  const corners = [apply(0, 0), apply(w, 0), apply(w, h), apply(0, h)];
  const xs = corners.map(([x]) => x);
  const ys = corners.map(([, y]) => y);
  const nw = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
  const nh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
  [m[2], m[5]] = apply(-(nw - w) / 2, -(nh - h) / 2);
  return { size: { width: nw, height: nh }, matrix: [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!] };
}

/** The overlay's size after step 5. */
export function rotatedSize(size: Size, degrees: number): Size {
  const angle = degrees % 360;
  if (angle === 0 || angle === 180) return size;
  if (angle % 90 === 0) return { width: size.height, height: size.width };
  return rotationGeometry(size, angle).size;
}

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

/**
 * Quarter turns move whole pixels, as Pillow's rotate does for 90/180/270, so a
 * 2x1 overlay becomes 1x2. Like the reference, the pixels still make the
 * "RGBa" round trip, which quantises semi-transparent colour.
 */
function quarterTurn(image: Rgba, turns: 1 | 2 | 3): Rgba {
  const { width: w, height: h } = image;
  const src = premultiply8(image);
  const out = turns === 2 ? rgba(w, h) : rgba(h, w);
  const dst = out.data;
  let o = 0;
  for (let v = 0; v < out.height; v++) {
    for (let u = 0; u < out.width; u++, o += 4) {
      // Source pixel for output (u, v), counter-clockwise.
      const s = turns === 1 ? (u * w + (w - 1 - v)) * 4 : turns === 2 ? ((h - 1 - v) * w + (w - 1 - u)) * 4 : ((h - 1 - u) * w + v) * 4;
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
 * `rotate(degrees, resample=BICUBIC, expand=True)` computes it on "RGBa".
 */
export function rotateOverlay(image: Rgba, degrees: number): Rgba {
  const angle = degrees % 360;
  if (angle === 0) return image;
  if (angle % 90 === 0) return quarterTurn(image, (angle / 90) as 1 | 2 | 3);
  const { size, matrix } = rotationGeometry(image, degrees);
  const [a, b, c, d, e, f] = matrix;
  const src = premultiply8(image);
  const { width: w, height: h } = image;
  const out = rgba(size.width, size.height);
  const dst = out.data;
  const xTaps = new Int32Array(4);
  const rows = new Int32Array(4);
  for (let v = 0; v < size.height; v++) {
    const yin0 = v + 0.5;
    for (let u = 0; u < size.width; u++) {
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
      for (let t = 0; t < 4; t++) {
        xTaps[t] = Math.min(Math.max(x - 1 + t, 0), w - 1) * 4;
        rows[t] = Math.min(Math.max(y - 1 + t, 0), h - 1) * w * 4;
      }
      const o = (v * size.width + u) * 4;
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
