import { rgba, wholeOf, type Rect, type Rgba, type Size } from './raster.js';
import { align16, kernelsFor, type Kernels } from './wasm/kernels.js';

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
 * `image` copied into kernel memory and premultiplied to Pillow's "RGBa", with
 * `extra` bytes of room after it: in an instance of its own when large.
 */
function stagePremultiplied(image: Rgba, extra: number): { kernels: Kernels; bytes: Uint8Array; at: number; after: number } {
  const imageBytes = align16(image.data.length);
  const kernels = kernelsFor(imageBytes + extra);
  const { bytes } = kernels.reserve(imageBytes + extra);
  const at = kernels.scratchStart;
  bytes.set(image.data, at);
  kernels.premultiplyRgba(at, image.width * image.height);
  return { kernels, bytes, at, after: at + imageBytes };
}

/**
 * Quarter turns move whole pixels, as Pillow's rotate does for 90/180/270, so a
 * 2x1 overlay becomes 1x2. Like the reference, the pixels still make the
 * "RGBa" round trip, which quantises semi-transparent colour.
 */
function quarterTurn(image: Rgba, turns: 1 | 2 | 3, region: RotationRegion): Rgba {
  const pixels = image.width * image.height;
  const { kernels, bytes, at } = stagePremultiplied(image, 0);
  // The round trip is pixel by pixel, so it may come before the pixels move.
  kernels.unpremultiplyRgba(at, pixels);
  const { output, source } = region;
  const out = rgba(output.width, output.height);
  // Whole pixels as 32-bit words; along an output row the source steps by one pixel.
  const src = new Uint32Array(bytes.buffer, at, pixels);
  const dst = new Uint32Array(out.data.buffer, out.data.byteOffset, output.width * output.height);
  const [x1, y1] = quarterSource(turns, region.overlay, output.x + 1, output.y);
  const [x0, y0] = quarterSource(turns, region.overlay, output.x, output.y);
  const step = (y1 - y0) * image.width + (x1 - x0);
  let o = 0;
  for (let v = output.y; v < output.y + output.height; v++) {
    const [x, y] = quarterSource(turns, region.overlay, output.x, v);
    for (let u = 0, s = (y - source.y) * image.width + (x - source.x); u < output.width; u++, o++, s += step) dst[o] = src[s]!;
  }
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
  const [a, b, c, d, e, f] = rotationGeometry(whole.overlay, degrees).matrix;
  const { width: w, height: h } = whole.overlay;
  const { output, source } = whole;
  const stride = image.width * 4;
  const rowBytes = output.width * 4;
  const { kernels, bytes, at: src, after: row } = stagePremultiplied(image, rowBytes);
  const out = rgba(output.width, output.height);
  for (let v = 0; v < output.height; v++) {
    kernels.rotateRow(src, stride, source.x, source.y, w, h, a, b, c, d, e, f, output.y + v, output.x, output.width, row);
    out.data.set(bytes.subarray(row, row + rowBytes), v * rowBytes);
  }
  return out;
}
