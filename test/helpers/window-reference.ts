import { rgba, type Rect, type Rgba, type Size } from '../../src/engine/raster.js';

/** Writes output pixel (x, y) at byte `o` of `out`, from the tables of the column and row axes. */
export type ReferencePixel<Table> = (out: Uint8Array, o: number, x: number, y: number, xTable: Table, yTable: Table) => void;

/**
 * The frame the scalar resampling references share, as the engine's planners
 * build it: one table per axis from `tables`, then `pixel` for each output
 * pixel of `window`, row by row.
 */
export function referenceWindow<Table>(src: Rgba, size: Size, window: Rect, tables: (inSize: number, outSize: number) => Table, pixel: ReferencePixel<Table>): Rgba {
  const xTable = tables(src.width, size.width);
  const yTable = tables(src.height, size.height);
  const out = rgba(window.width, window.height);
  let o = 0;
  for (let y = window.y; y < window.y + window.height; y++) {
    for (let x = window.x; x < window.x + window.width; x++, o += 4) pixel(out.data, o, x, y, xTable, yTable);
  }
  return out;
}
