import { rgba, wholeOf, type Rect, type Rgba, type Size } from './raster.js';

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
 * A part of the rotation to compute: `output` is a rectangle of the turned
 * canvas, and the overlay given is the `source` rectangle of the whole
 * overlay (of size `overlay`), holding every pixel those outputs read.
 */
export interface RotationRegion {
  readonly overlay: Size;
  readonly source: Rect;
  readonly output: Rect;
}

/** Source pixel (full-overlay coordinates) of canvas pixel (u, v) in a quarter turn, counter-clockwise. */
function quarterSource(turns: 1 | 2 | 3, size: Size, u: number, v: number): [number, number] {
  const { width: w, height: h } = size;
  return turns === 1 ? [w - 1 - v, u] : turns === 2 ? [w - 1 - u, h - 1 - v] : [v, h - 1 - u];
}

/**
 * The rectangle of the overlay that `output` (a part of the turned canvas) reads,
 * so that only it need be resampled. Quarter turns read exactly the mapped pixels;
 * other angles the mapped bounding box plus the cubic's reach, clamped to the overlay.
 */
export function rotationSource(size: Size, degrees: number, output: Rect): Rect {
  const angle = degrees % 360;
  if (angle === 0) return output;
  const corners: [number, number][] = [];
  if (angle % 90 === 0) {
    const turns = (angle / 90) as 1 | 2 | 3;
    for (const [u, v] of [[output.x, output.y], [output.x + output.width - 1, output.y + output.height - 1]] as const) corners.push(quarterSource(turns, size, u, v));
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { x, y, width: Math.max(...xs) - x + 1, height: Math.max(...ys) - y + 1 };
  }
  const [a, b, c, d, e, f] = rotationGeometry(size, degrees).matrix;
  for (const u of [output.x, output.x + output.width]) for (const v of [output.y, output.y + output.height]) corners.push([a * u + b * v + c, d * u + e * v + f]);
  const reach = 3; // taps reach 2 pixels either side of a sample, and a sample sits up to half a pixel off its centre
  const x0 = Math.max(Math.floor(Math.min(...corners.map(([x]) => x))) - reach, 0);
  const y0 = Math.max(Math.floor(Math.min(...corners.map(([, y]) => y))) - reach, 0);
  const x1 = Math.min(Math.ceil(Math.max(...corners.map(([x]) => x))) + reach, size.width);
  const y1 = Math.min(Math.ceil(Math.max(...corners.map(([, y]) => y))) + reach, size.height);
  return { x: x0, y: y0, width: Math.max(x1 - x0, 0), height: Math.max(y1 - y0, 0) };
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
 * `rotate(degrees, resample=BICUBIC, expand=True)` computes it on "RGBa".
 * With a region, only `region.output` of the canvas is computed.
 */
export function rotateOverlay(image: Rgba, degrees: number, region?: RotationRegion): Rgba {
  const angle = degrees % 360;
  if (angle === 0) return image;
  const whole = region ?? { overlay: image, source: wholeOf(image), output: wholeOf(rotatedSize(image, degrees)) };
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
