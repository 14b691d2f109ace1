import sharp from 'sharp';
import { ImageError } from './errors.js';
import { limitLabel, type PixelLimit } from './limits.js';
import type { Size } from './raster.js';

const PNG_SIGNATURE = '\x89PNG\r\n\x1a\n';

const IHDR = 0x49484452;
const IDAT = 0x49444154;
const EXIF = 0x65584966; // "eXIf": an orientation the decoder applies

/**
 * A PNG's size from its IHDR, which the format requires first: no library
 * call for the commonest input. Undefined for a PNG with an eXIf chunk before
 * its pixels, whose orientation may swap the sides: libvips reads that one.
 */
function pngHeader(input: Uint8Array): ImageHeader | undefined {
  if (input.length < 24 || Buffer.from(input.buffer, input.byteOffset, 8).toString('latin1') !== PNG_SIGNATURE) return undefined;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (view.getUint32(12) !== IHDR) return undefined;
  for (let at = 8; at + 8 <= input.length; at += 12 + view.getUint32(at)) {
    const type = view.getUint32(at + 4);
    if (type === EXIF) return undefined;
    if (type === IDAT) break;
  }
  return { width: view.getUint32(16), height: view.getUint32(20), format: 'png' };
}

/** What a header says: the size the decoder will give (EXIF orientation applied), and the format, as libvips names it. */
export interface ImageHeader extends Size {
  readonly format: string;
}

/** An image's header alone, nothing decoded, or undefined when it cannot be read (the decoder then says what is wrong). */
export async function readImageHeader(input: Uint8Array): Promise<ImageHeader | undefined> {
  const png = pngHeader(input);
  if (png) return png;
  try {
    const header = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata();
    const { width, height } = header.autoOrient;
    return width && height ? { width, height, format: header.format } : undefined;
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
export async function probeImage(input: Uint8Array, field: string, limit: PixelLimit): Promise<ImageHeader | undefined> {
  const header = await readImageHeader(input);
  if (header && header.width * header.height > limit.maxPixels) throw tooLargeError(header, limit, field);
  return header;
}
