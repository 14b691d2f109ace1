import { rgba, type Rgba } from '../../src/engine/raster.js';

/** Alphas at the ends and in the middle of the arithmetic. */
export const TEN_ALPHAS = [0, 1, 2, 3, 64, 127, 128, 200, 254, 255] as const;

/** Row patterns for everyColourRows, each pairing colour c with `alpha` in its own way. */
const COLOUR_ROWS = [
  (c: number, alpha: number) => [c, 255 - c, (c * 7) % 256, alpha],
  (c: number, alpha: number) => [(c * 3) % 256, c, 128, 255 - alpha],
  (c: number, alpha: number) => [c, c, 255 - c, alpha >> 1],
] as const;

/** `rows` rows of 256 pixels: pixel c of each row holds colour c, paired with `alpha` as that row's pattern says. */
export function everyColourRows(alpha: number, rows: 1 | 2 | 3): Rgba {
  const image = rgba(256, rows);
  for (let row = 0; row < rows; row++) {
    for (let c = 0; c < 256; c++) image.data.set(COLOUR_ROWS[row]!(c, alpha), (row * 256 + c) * 4);
  }
  return image;
}

/** A 256x256 image whose pixel (c, a) holds colour c and alpha a: every pair, in several channel orders. */
export function everyColourAtEveryAlpha(): Rgba {
  const image = rgba(256, 256);
  for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) image.data.set([c, 255 - c, c ^ a, a], (a * 256 + c) * 4);
  return image;
}
