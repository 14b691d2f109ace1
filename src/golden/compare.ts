import { PNG } from 'pngjs';
import sharp from 'sharp';
import { diffImages, type ImageDiff } from '../engine/image-diff.js';

/** Pixels as RGBA bytes, 4 a pixel, rows top to bottom. */
export interface RgbaImage {
  readonly data: Uint8Array | Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** An image to compare: encoded bytes (PNG, JPEG, WebP, …), a file path, or decoded RGBA. */
export type ComparableImage = Uint8Array | string | RgbaImage;

export interface CompareOptions {
  /**
   * pixelmatch's threshold (0 to 1): count only the pixels whose YIQ colour
   * distance exceeds it, exactly the pixels pixelmatch counts with
   * { threshold, includeAA: true }. Absent: exact, any channel difference counts.
   */
  readonly threshold?: number;
  /** Also return the diff image: red where a pixel counts, elsewhere the first image faded into white. */
  readonly diff?: boolean;
}

export interface ImageDifference {
  readonly width: number;
  readonly height: number;
  /** Pixels counted as different: any channel difference when exact, else beyond the threshold. */
  readonly diffPixels: number;
  /** Pixels that differ in any channel at all, whatever the threshold. */
  readonly differingPixels: number;
  /** The largest absolute channel difference, in levels (0 to 255). */
  readonly maxError: number;
  /** The mean absolute channel difference over every channel (RGBA) of every pixel, in levels. */
  readonly meanError: number;
  /** The diff image as PNG, when asked for. */
  readonly diff?: Buffer;
}

interface Size {
  readonly width: number;
  readonly height: number;
}

/** Two images of different sizes: there are no pixels to compare. */
export class ImageSizeMismatchError extends Error {
  override readonly name = 'ImageSizeMismatchError';
  constructor(
    readonly actual: Size,
    readonly expected: Size,
  ) {
    super(`Expected images of one size but received ${actual.width}x${actual.height} and ${expected.width}x${expected.height}`);
  }
}

const isRgbaImage = (image: ComparableImage): image is RgbaImage => typeof image === 'object' && image !== null && !(image instanceof Uint8Array) && 'data' in image;

/** `which` names the image in messages: "the first image". */
function checkRgba(image: RgbaImage, which: string): RgbaImage {
  const { data, width, height } = image;
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) throw new TypeError(`Expected a Uint8Array or Uint8ClampedArray for ${which}'s data but received ${describeValue(data)}`);
  for (const [key, value] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`Expected a positive integer for ${which}'s ${key} but received ${describeValue(value)}`);
  }
  if (data.length !== width * height * 4) throw new TypeError(`Expected ${width * height * 4} bytes of RGBA for ${which} (${width}x${height}) but received ${data.length}`);
  return image;
}

/** Decodes an image to compare, or checks decoded RGBA; `which` names it in messages ("the first image"). */
export async function decodeComparable(image: ComparableImage, which: string): Promise<RgbaImage> {
  if (isRgbaImage(image)) return checkRgba(image, which);
  if (typeof image !== 'string' && !(image instanceof Uint8Array)) throw new TypeError(`Expected encoded image bytes, a path or {data, width, height} for ${which} but received ${describeValue(image)}`);
  try {
    const { data, info } = await sharp(image, { ignoreIcc: true }).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (cause) {
    const what = typeof image === 'string' ? `the file ${image}` : `${image.length} bytes`;
    throw new TypeError(`Expected an image sharp can decode (PNG, JPEG, WebP, AVIF, GIF, TIFF) for ${which} but could not decode ${what}: ${(cause as Error).message}`, { cause });
  }
}

/** A value as a message names it: its class for objects (ArrayBuffer, Array), else as JSON. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return JSON.stringify(value);
}

function checkOptions(options: CompareOptions): CompareOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected an object of options but received ${describeValue(options)}`);
  const { threshold, diff } = options;
  if (threshold !== undefined && (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1))) throw new TypeError(`Expected number between 0 and 1 for threshold but received ${describeValue(threshold)}`);
  if (diff !== undefined && typeof diff !== 'boolean') throw new TypeError(`Expected boolean for diff but received ${describeValue(diff)}`);
  return options;
}

/** Both images decoded and of one size, else an ImageSizeMismatchError. */
async function decodePair(a: ComparableImage, b: ComparableImage): Promise<[RgbaImage, RgbaImage]> {
  const [first, second] = await Promise.all([decodeComparable(a, 'the first image'), decodeComparable(b, 'the second image')]);
  if (first.width !== second.width || first.height !== second.height) {
    throw new ImageSizeMismatchError({ width: first.width, height: first.height }, { width: second.width, height: second.height });
  }
  return [first, second];
}

const bytesOf = (data: Uint8Array | Uint8ClampedArray): Uint8Array => (data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length));

/** The comparison, and the diff picture as PNG when asked for, in one pass. */
function diffPicture(a: RgbaImage, b: RgbaImage, threshold: number | undefined): { found: ImageDiff; png: Buffer } {
  const png = new PNG({ width: a.width, height: a.height });
  const found = diffImages(bytesOf(a.data), bytesOf(b.data), { threshold, diff: png.data });
  return { found, png: PNG.sync.write(png) };
}

function difference(a: RgbaImage, found: ImageDiff): ImageDifference {
  return { width: a.width, height: a.height, diffPixels: found.counted, differingPixels: found.differing, maxError: found.max, meanError: found.sum / (a.width * a.height * 4) };
}

/**
 * Compares two images pixel by pixel, exactly unless a threshold is given.
 * Encoded images are decoded to 8-bit RGBA without colour management; a size
 * mismatch throws an ImageSizeMismatchError giving both sizes.
 */
export async function compareImages(a: ComparableImage, b: ComparableImage, options: CompareOptions = {}): Promise<ImageDifference> {
  const { threshold, diff } = checkOptions(options);
  const [first, second] = await decodePair(a, b);
  if (!diff) return difference(first, diffImages(bytesOf(first.data), bytesOf(second.data), { threshold }));
  const drawn = diffPicture(first, second, threshold);
  return { ...difference(first, drawn.found), diff: drawn.png };
}

/** An actual image held to its expectation: pixel by pixel when their sizes agree, else only that they do not. */
export type ImageComparison =
  | { readonly kind: 'size-mismatch'; readonly actual: Size; readonly expected: Size }
  | (Omit<ImageDifference, 'diff'> & {
      readonly kind: 'compared';
      /** The threshold pixels were counted at; absent when exact. */
      readonly threshold: number | undefined;
      /** diffPixels / all pixels. */
      readonly diffRatio: number;
      /** The diff image as PNG, drawn when first asked for. */
      readonly diffPng: () => Buffer;
    });

/** compareImages for golden checks, where a size mismatch is a verdict rather than an error. */
export async function compareToExpectation(actual: ComparableImage, expected: ComparableImage, threshold?: number): Promise<ImageComparison> {
  let pair: [RgbaImage, RgbaImage];
  try {
    pair = await decodePair(actual, expected);
  } catch (error) {
    if (error instanceof ImageSizeMismatchError) return { kind: 'size-mismatch', actual: error.actual, expected: error.expected };
    throw error;
  }
  const [a, e] = pair;
  const found = difference(a, diffImages(bytesOf(a.data), bytesOf(e.data), { threshold }));
  let png: Buffer | undefined;
  return { kind: 'compared', threshold, ...found, diffRatio: found.diffPixels / (a.width * a.height), diffPng: () => (png ??= diffPicture(a, e, threshold).png) };
}

/** One line of figures. It never says that no pixel differs while some channel does: below a threshold, the exact count follows. */
export function describeComparison(comparison: ImageComparison): string {
  if (comparison.kind === 'size-mismatch') {
    const { actual, expected } = comparison;
    return `size ${actual.width}x${actual.height} where ${expected.width}x${expected.height} was expected`;
  }
  const { width, height, threshold, differingPixels, diffPixels, diffRatio, maxError, meanError } = comparison;
  const figures = `max channel difference ${maxError}, mean ${meanError.toFixed(4)}`;
  const counted = `${diffPixels} of ${width * height} pixels differ`;
  const percent = `(${(diffRatio * 100).toFixed(3)}%)`;
  if (threshold === undefined) return `${counted} ${percent}, ${figures}`;
  return `${counted} beyond threshold ${threshold} ${percent}; ${differingPixels} ${differingPixels === 1 ? 'differs' : 'differ'} at all, ${figures}`;
}
