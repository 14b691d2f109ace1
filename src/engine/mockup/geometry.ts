import type { Rect, Size } from '../raster.js';

/** A point in base pixels, pixel edges: the base spans 0..width × 0..height. */
export type Point = readonly [x: number, y: number];

/** Where a design's area lands: its top-left, top-right, bottom-right and bottom-left corners. */
export type Quad = readonly [Point, Point, Point, Point];

/** A rectangle in float coordinates (area units), unlike `Rect`'s whole pixels. */
export interface AreaRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The area rectangle's size: `[0, width] × [0, height]` in area units. */
export interface AreaSize {
  readonly width: number;
  readonly height: number;
}

/**
 * A 3×3 projective matrix, row-major: (x, y) ↦ ((m0·x + m1·y + m2) / w, (m3·x + m4·y + m5) / w)
 * with w = m6·x + m7·y + m8.
 */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

/** The box shorthand of a layer: a rectangle turned `rotation` degrees counter-clockwise on screen about its centre. */
interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly rotation?: number | undefined;
}

const distance = (a: Point, b: Point): number => Math.hypot(b[0] - a[0], b[1] - a[1]);

/** Step 1: the longer of each pair of opposite edges. */
export function areaSize(quad: Quad): AreaSize {
  const [q0, q1, q2, q3] = quad;
  return { width: Math.max(distance(q0, q1), distance(q3, q2)), height: Math.max(distance(q0, q3), distance(q1, q2)) };
}

/**
 * The homography taking the area rectangle's corners (0,0), (aw,0), (aw,ah), (0,ah) to q0..q3.
 *
 * The eight unknowns have a closed-form solution (Heckbert, "Fundamentals of
 * Texture Mapping", 1989): the unit square's map to the quad needs one 2×2
 * solve for the perspective terms g, h, from the corners' differences, and the
 * rest follows; then the area's scale is divided out. No elimination, so no
 * pivoting to get wrong; the 2×2 determinant is the cross product of the two
 * edges meeting at q2, far from 0 for a strictly convex quad. A parallelogram
 * gives g = h = 0 exactly, so an affine quad stays exactly affine.
 */
export function quadHomography(quad: Quad, area: AreaSize): Homography {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad;
  const sumX = x0 - x1 + x2 - x3;
  const sumY = y0 - y1 + y2 - y3;
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const det = dx1 * dy2 - dx2 * dy1;
  const g = sumX === 0 && sumY === 0 ? 0 : (sumX * dy2 - dx2 * sumY) / det;
  const h = sumX === 0 && sumY === 0 ? 0 : (dx1 * sumY - sumX * dy1) / det;
  // Unit square (s, t) ↦ quad: a·s + b·t + c over g·s + h·t + 1; s = x/aw, t = y/ah.
  const a = x1 - x0 + g * x1;
  const b = x3 - x0 + h * x3;
  const d = y1 - y0 + g * y1;
  const e = y3 - y0 + h * y3;
  const { width: aw, height: ah } = area;
  return [a / aw, b / ah, x0, d / aw, e / ah, y0, g / aw, h / ah, 1];
}

/** The inverse map: the adjugate over the determinant, so that w keeps its sign (positive inside the quad). */
export function invertHomography(m: Homography): Homography {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = c * h - b * i;
  const C = b * f - c * e;
  const D = f * g - d * i;
  const E = a * i - c * g;
  const F = c * d - a * f;
  const G = d * h - e * g;
  const H = b * g - a * h;
  const I = a * e - b * d;
  const det = a * A + b * D + c * G;
  return [A / det, B / det, C / det, D / det, E / det, F / det, G / det, H / det, I / det];
}

/** The image of (x, y); non-finite where w = 0. */
export function applyHomography(m: Homography, x: number, y: number): Point {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

/**
 * Degrees to cosine and sine, exact at quarter turns (Math.cos(π/2) is 6e-17,
 * which would put a box turned 90° a hair off its whole-pixel corners).
 */
function cosSinDegrees(degrees: number): Point {
  const turn = ((degrees % 360) + 360) % 360;
  if (turn === 0) return [1, 0];
  if (turn === 90) return [0, 1];
  if (turn === 180) return [-1, 0];
  if (turn === 270) return [0, -1];
  const radians = (degrees * Math.PI) / 180;
  return [Math.cos(radians), Math.sin(radians)];
}

/**
 * The quad of a box: its corners from the top-left round, turned about the
 * centre. The y axis points down, so counter-clockwise on screen is
 * (dx, dy) ↦ (dx·cos + dy·sin, −dx·sin + dy·cos).
 */
export function boxQuad(box: Box): Quad {
  const [cos, sin] = cosSinDegrees(box.rotation ?? 0);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const hw = box.width / 2;
  const hh = box.height / 2;
  const corner = (dx: number, dy: number): Point => [cx + dx * cos + dy * sin, cy - dx * sin + dy * cos];
  return [corner(-hw, -hh), corner(hw, -hh), corner(hw, hh), corner(-hw, hh)];
}

/** How far the displacement can move a sample point, in base pixels along each axis. */
interface Reach {
  readonly x: number;
  readonly y: number;
}

/**
 * The base pixels a layer can change, clipped to the base; undefined when none.
 *
 * Bilinear sampling at (u − ½, v − ½) is non-zero only for −½ < u < W + ½
 * (and likewise v): the drawn rectangle grown by half a design pixel, which in
 * base units is wide when the design is magnified. Its image under `toBase` is
 * the convex quad of its mapped corners as long as w stays positive at all four
 * (w is affine, so then it is positive all over); the bounding box of those
 * corners, grown by the displacement's reach (a pixel is changed when its
 * displaced centre lands in the quad), is the box. Under a perspective so
 * steep that the grown rectangle crosses the horizon, the whole base.
 */
export function reachableBox(toBase: Homography, drawn: AreaRect, designPixels: Size, reach: Reach, base: Size): Rect | undefined {
  const marginX = (0.5 * drawn.width) / designPixels.width;
  const marginY = (0.5 * drawn.height) / designPixels.height;
  const left = drawn.x - marginX;
  const top = drawn.y - marginY;
  const right = drawn.x + drawn.width + marginX;
  const bottom = drawn.y + drawn.height + marginY;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of [[left, top], [right, top], [right, bottom], [left, bottom]] as const) {
    const w = toBase[6] * x + toBase[7] * y + toBase[8];
    if (!(w > 0)) return clipToBase(-Infinity, -Infinity, Infinity, Infinity, base);
    const [bx, by] = applyHomography(toBase, x, y);
    minX = Math.min(minX, bx);
    minY = Math.min(minY, by);
    maxX = Math.max(maxX, bx);
    maxY = Math.max(maxY, by);
  }
  return clipToBase(minX - reach.x, minY - reach.y, maxX + reach.x, maxY + reach.y, base);
}

/** The whole pixels that [minX, maxX] × [minY, maxY] touches, within the base. */
function clipToBase(minX: number, minY: number, maxX: number, maxY: number, base: Size): Rect | undefined {
  const x = Math.max(0, Math.floor(minX));
  const y = Math.max(0, Math.floor(minY));
  const right = Math.min(base.width, Math.ceil(maxX));
  const bottom = Math.min(base.height, Math.ceil(maxY));
  if (!(right > x && bottom > y)) return undefined;
  return { x, y, width: right - x, height: bottom - y };
}
