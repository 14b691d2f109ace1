import sharp, { type Sharp } from 'sharp';
import { cmykToRgb, highBytes, isTiff, jpegComponents } from './cmyk.js';
import { checkDeadline, isLibvipsTimeout, sharpTimeout, timeoutError, type Deadline } from './deadline.js';
import { ImageError } from './errors.js';
import type { PixelLimit } from './limits.js';
import { decodePng } from './png.js';
import { readImageHeader, tooLargeError } from './probe.js';
import type { Raster, Rgba } from './raster.js';

export const OUTPUT_FORMATS = ['jpeg', 'png', 'webp'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface DecodeOptions extends PixelLimit {
  /** The request field the image came from, for error messages. */
  readonly field: string;
  /** Past it, decoding stops with ImageError('timeout') (deadline.ts). */
  readonly deadline?: Deadline | undefined;
}

/** Decodes a base image: RGB, or RGBA when it has alpha. */
export function decodeImage(input: Buffer, options: DecodeOptions): Promise<Raster> {
  return decode(input, options, false);
}

/** Decodes an overlay or mask: always RGBA, opaque where the file has no alpha. */
export function decodeRgba(input: Buffer, options: DecodeOptions): Promise<Rgba> {
  return decode(input, options, true) as Promise<Rgba>;
}

/**
 * Decodes to 8-bit sRGB: EXIF orientation applied, embedded ICC profiles not
 * applied (pixel values as stored, as the reference reads them), CMYK through
 * Pillow's formula (cmyk.ts), first frame only.
 */
async function decode(input: Buffer, options: DecodeOptions, ensureAlpha: boolean): Promise<Raster> {
  checkDeadline(options.deadline, `decoding ${options.field}`, options.field);
  return (await decodePng(input, ensureAlpha, options.maxPixels, options.deadline, options.field)) ?? decodeWithLibvips(input, options, ensureAlpha);
}

/** decode() through libvips alone: every input but the PNGs that png.ts takes, and the oracle its tests and bench hold it to. */
export async function decodeWithLibvips(input: Buffer, options: DecodeOptions, ensureAlpha: boolean): Promise<Raster> {
  // libvips refuses, from the header and before decoding, an image over limitInputPixels.
  const source = { ignoreIcc: true, autoOrient: true, limitInputPixels: options.maxPixels, pages: 1 } as const;
  try {
    const inkDepth = await cmykDepth(input);
    const image = () => withTimeout(sharp(input, source), options.deadline);
    return inkDepth ? await decodeCmyk(image(), inkDepth, ensureAlpha) : await decodeRgb(image(), ensureAlpha);
  } catch (cause) {
    throw await decodeError(input, options, cause);
  }
}

/** Bounds a libvips pipeline by the deadline: libvips stops it between tiles. */
const withTimeout = (image: Sharp, deadline: Deadline | undefined): Sharp => {
  const timeout = sharpTimeout(deadline);
  return timeout ? image.timeout(timeout) : image;
};

async function decodeRgb(image: Sharp, ensureAlpha: boolean): Promise<Raster> {
  const pipeline = image.toColourspace('srgb');
  const { data, info } = await (ensureAlpha ? pipeline.ensureAlpha() : pipeline).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 && info.channels !== 4) {
    throw new Error(`decoded to ${info.channels} channels`);
  }
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

type InkDepth = 'uchar' | 'ushort';

/**
 * The sample depth of a CMYK image, or undefined for any other. A JPEG says so
 * in its frame header; only a TIFF needs libvips to read its header (a file it
 * cannot read goes the other way, which reports the error).
 */
async function cmykDepth(input: Buffer): Promise<InkDepth | undefined> {
  if (jpegComponents(input) === 4) return 'uchar';
  if (!isTiff(input)) return undefined;
  const header = await sharp(input, { limitInputPixels: false, pages: 1 }).metadata().catch(() => undefined);
  if (header?.space !== 'cmyk') return undefined;
  return header.depth === 'ushort' ? 'ushort' : 'uchar';
}

/** The inks as libvips reads them, no profile applied (a CMYK pipeline skips sharp's conversion), through Pillow's formula. */
async function decodeCmyk(image: Sharp, depth: InkDepth, ensureAlpha: boolean): Promise<Raster> {
  const { data, info } = await image.pipelineColourspace('cmyk').toColourspace('cmyk').raw({ depth }).toBuffer({ resolveWithObject: true });
  const bands: number = info.channels; // sharp's type stops at 4; CMYK with alpha has 5
  if (bands !== 4 && bands !== 5) {
    throw new Error(`decoded CMYK to ${bands} channels`);
  }
  const inks = depth === 'ushort' ? highBytes(ushortSamples(data)) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const channels = ensureAlpha || bands === 5 ? 4 : 3;
  return { width: info.width, height: info.height, channels, data: cmykToRgb(inks, bands, channels) };
}

/** libvips' native-endian 16-bit samples, copied only when the buffer is not 2-byte aligned. */
const ushortSamples = (data: Buffer): Uint16Array =>
  data.byteOffset % 2 === 0 ? new Uint16Array(data.buffer, data.byteOffset, data.length >> 1) : new Uint16Array(Uint8Array.from(data).buffer);

/** ISO-BMFF brands of HEVC-coded HEIF: libvips as shipped with sharp decodes AVIF but not these. */
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

async function decodeError(input: Buffer, options: DecodeOptions, cause: unknown): Promise<ImageError> {
  const { field } = options;
  if (isLibvipsTimeout(cause)) return timeoutError(`decoding ${field}`, field);
  const detail = (cause instanceof Error ? cause.message : String(cause)).replace(/\s+/g, ' ').trim();
  if (input.toString('latin1', 4, 8) === 'ftyp' && HEVC_BRANDS.has(input.toString('latin1', 8, 12))) {
    return new ImageError('invalid_image', `HEIC (HEVC-coded HEIF) is not supported for ${field}: convert it to JPEG, PNG, WebP or AVIF`, field, cause);
  }
  if (/pixel limit/i.test(detail)) {
    // Only now read the size, from the header alone, to name it.
    const { width, height } = (await readImageHeader(input)) ?? { width: 0, height: 0 };
    return tooLargeError({ width, height }, options, field, cause);
  }
  return new ImageError('invalid_image', `Expected a decodable jpeg, png, webp, gif, tiff, avif, heif or svg image for ${field} but it could not be decoded: ${detail}`, field, cause);
}

export interface EncodeOptions {
  readonly format: OutputFormat;
  /** 10–100, used by the lossy formats. */
  readonly quality: number;
  /** Past it, encoding stops with ImageError('timeout') (deadline.ts). */
  readonly deadline?: Deadline | undefined;
}

/**
 * JPEG settings: baseline with the standard Huffman tables, as Pillow's
 * `save(format="JPEG", quality=q)` writes by default, and so the reference.
 * sharp's default, optimised tables make the encode markedly slower for files
 * somewhat smaller (bench/RESULTS.md has the figures).
 */
export const jpegOptions = (quality: number) => ({ quality, optimiseCoding: false }) as const;

/** Step 8: encodes the composited raster. JPEG flattens alpha onto white. */
export async function encodeImage(image: Raster, options: EncodeOptions): Promise<Buffer> {
  checkDeadline(options.deadline, 'encoding');
  const pipeline = withTimeout(sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }), options.deadline);
  try {
    return await encodeWith(pipeline, image, options);
  } catch (cause) {
    throw isLibvipsTimeout(cause) ? timeoutError('encoding') : cause;
  }
}

function encodeWith(pipeline: Sharp, image: Raster, options: EncodeOptions): Promise<Buffer> {
  switch (options.format) {
    case 'jpeg':
      return (image.channels === 4 ? pipeline.flatten({ background: '#ffffff' }) : pipeline).jpeg(jpegOptions(options.quality)).toBuffer();
    case 'png':
      return pipeline.png().toBuffer();
    case 'webp':
      return pipeline.webp({ quality: options.quality }).toBuffer();
  }
}
