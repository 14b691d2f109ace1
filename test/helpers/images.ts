import sharp from 'sharp';
import type { Rgba } from '../../src/engine/raster.js';

/** An RGBA raster from rows of [r, g, b, a] pixels. */
export function rgbaFromRows(rows: number[][][]): Rgba {
  const height = rows.length;
  const width = rows[0]!.length;
  return { width, height, channels: 4, data: Uint8Array.from(rows.flat(2)) };
}

/** A PNG of one colour; channels 3 unless an alpha is given. */
export function solidPng(width: number, height: number, colour: { r: number; g: number; b: number; alpha?: number }): Promise<Buffer> {
  const channels = colour.alpha === undefined ? 3 : 4;
  return sharp({ create: { width, height, channels, background: colour } }).png().toBuffer();
}

/** Decodes any image to raw pixels with the channel count it has. */
export async function pixels(image: Buffer): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
