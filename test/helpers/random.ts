import { rgba, type Rect, type Rgba, type Size } from '../../src/engine/raster.js';

/** A small deterministic generator (mulberry32), so that a failure names a reproducible case. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random rectangle inside `size`, at least 1x1: its corner, then its extent. */
export function randomWindow(next: () => number, size: Size): Rect {
  const x = Math.floor(next() * size.width);
  const y = Math.floor(next() * size.height);
  return { x, y, width: 1 + Math.floor(next() * (size.width - x)), height: 1 + Math.floor(next() * (size.height - y)) };
}

/** Index of the first differing byte, or -1 when equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

/** How a random overlay's alpha is drawn: anything, all opaque, or only values at the edges of the arithmetic. */
export const ALPHA_KINDS = ['any', 'opaque', 'edges'] as const;
export type AlphaKind = (typeof ALPHA_KINDS)[number];

/** The alpha kind of a random case: each in turn, round by round. */
export const alphaKindFor = (round: number): AlphaKind => ALPHA_KINDS[round % ALPHA_KINDS.length]!;

const EDGE_ALPHAS = [0, 1, 2, 127, 128, 253, 254, 255];

/** A random RGBA overlay: random colour, alpha drawn as `alphaKind` says. */
export function randomOverlay(next: () => number, width: number, height: number, alphaKind: AlphaKind): Rgba {
  const image = rgba(width, height);
  for (let i = 0; i < image.data.length; i++) {
    const isAlpha = i % 4 === 3;
    image.data[i] = !isAlpha || alphaKind === 'any' ? Math.floor(next() * 256) : alphaKind === 'opaque' ? 255 : EDGE_ALPHAS[Math.floor(next() * EDGE_ALPHAS.length)]!;
  }
  return image;
}

/**
 * A random overlay of flat shapes, as logos and mockup art are: one random
 * pixel as background, then `shapes` rectangles of up to `maxSide` pixels a
 * side, each one random pixel drawn as `alphaKind` says. Overlapping
 * rectangles leave L-shaped corners, where three of four neighbours agree.
 */
export function randomBlocks(next: () => number, width: number, height: number, alphaKind: AlphaKind, shapes: number, maxSide: number): Rgba {
  const colours = randomOverlay(next, shapes + 1, 1, alphaKind).data;
  const image = rgba(width, height);
  for (let i = 0; i < width * height; i++) image.data.set(colours.subarray(0, 4), i * 4);
  for (let shape = 1; shape <= shapes; shape++) {
    const x0 = Math.floor(next() * width);
    const y0 = Math.floor(next() * height);
    const x1 = Math.min(width, x0 + 1 + Math.floor(next() * maxSide));
    const y1 = Math.min(height, y0 + 1 + Math.floor(next() * maxSide));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) image.data.set(colours.subarray(shape * 4, shape * 4 + 4), (y * width + x) * 4);
  }
  return image;
}
