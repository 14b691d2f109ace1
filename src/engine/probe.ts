import sharp from 'sharp';
import { ImageError } from './errors.js';
import { limitLabel, type PixelLimit } from './limits.js';
import type { Size } from './raster.js';

const PNG_SIGNATURE = '\x89PNG\r\n\x1a\n';

/** A PNG's size from its IHDR, which the format requires first: no library call for the commonest input. */
function pngSize(input: Uint8Array): Size | undefined {
  if (input.length < 24 || Buffer.from(input.buffer, input.byteOffset, 16).toString('latin1', 0, 8) !== PNG_SIGNATURE) return undefined;
  const view = new DataView(input.buffer, input.byteOffset, 24);
  if (view.getUint32(12) !== 0x49484452) return undefined; // "IHDR"
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * An image's size from its header alone, nothing decoded, or undefined when
 * the header cannot be read (the decoder then says what is wrong).
 */
export async function readImageSize(input: Uint8Array): Promise<Size | undefined> {
  const png = pngSize(input);
  if (png) return png;
  try {
    const header = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
    return header.width && header.height ? { width: header.width, height: header.height } : undefined;
  } catch {
    return undefined;
  }
}

/** The refusal of an image over a pixel limit, worded as the decoder words it. */
export function tooLargeError(size: Size, limit: PixelLimit, field: string, cause?: unknown): ImageError {
  const pixels = size.width * size.height;
  return new ImageError('too_large', `Expected an image of at most ${limit.maxPixels} pixels${limitLabel(limit)} for ${field} but received ${size.width}x${size.height} = ${pixels} pixels`, field, cause);
}

/** Refuses, from its header, an image over `limit`: before any of its pixels are decoded. */
export async function probeImage(input: Uint8Array, field: string, limit: PixelLimit): Promise<Size | undefined> {
  const size = await readImageSize(input);
  if (size && size.width * size.height > limit.maxPixels) throw tooLargeError(size, limit, field);
  return size;
}
