import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import sharp from 'sharp';

interface Size {
  readonly width: number;
  readonly height: number;
}

/** Two images compared: pixel by pixel when their sizes agree, else only that they do not. */
export type ImageComparison =
  | { readonly kind: 'size-mismatch'; readonly actual: Size; readonly expected: Size }
  | {
      readonly kind: 'compared';
      readonly width: number;
      readonly height: number;
      /** The threshold pixels were counted at: 0 counts any difference, above it pixelmatch's YIQ distance decides. */
      readonly threshold: number;
      /** Pixels that differ in any channel at all, whatever the threshold. */
      readonly differingPixels: number;
      /** Pixels that count as different at the threshold (differingPixels at 0). */
      readonly mismatchedPixels: number;
      /** mismatchedPixels / all pixels. */
      readonly mismatchRatio: number;
      /** Mean absolute difference over every channel of every pixel (RGBA). */
      readonly meanAbsoluteError: number;
      readonly maxChannelError: number;
      /** PNG of the differences: the counted pixels in red over a faded copy of the actual image. */
      readonly diffPng: Buffer;
    };

interface Rgba8 {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

async function toRgba(image: Buffer | string): Promise<Rgba8> {
  const { data, info } = await sharp(image, { ignoreIcc: true }).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Red where a pixel differs at all, elsewhere the first image faded into white, as pixelmatch draws its own. */
function exactDiff(a: Buffer, e: Buffer, diff: Buffer): number {
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    if (a[i] !== e[i] || a[i + 1] !== e[i + 1] || a[i + 2] !== e[i + 2] || a[i + 3] !== e[i + 3]) {
      differing++;
      diff.set([255, 0, 0, 255], i);
    } else {
      const luma = 0.29889531 * a[i]! + 0.58662247 * a[i + 1]! + 0.11448223 * a[i + 2]!;
      const faded = 255 + ((luma - 255) * 0.1 * a[i + 3]!) / 255;
      diff.set([faded, faded, faded, 255], i);
    }
  }
  return differing;
}

/**
 * Compares two encoded images (bytes or paths) pixel by pixel. Exact by
 * default: any difference in any channel counts. A threshold above 0 counts
 * only the pixels whose pixelmatch YIQ distance exceeds it.
 */
export async function compareImages(actual: Buffer | string, expected: Buffer | string, threshold = 0): Promise<ImageComparison> {
  const [a, e] = await Promise.all([toRgba(actual), toRgba(expected)]);
  if (a.width !== e.width || a.height !== e.height) {
    return { kind: 'size-mismatch', actual: { width: a.width, height: a.height }, expected: { width: e.width, height: e.height } };
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const differingPixels = exactDiff(a.data, e.data, diff.data);
  const mismatchedPixels = threshold > 0 ? pixelmatch(a.data, e.data, diff.data, a.width, a.height, { threshold }) : differingPixels;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - e.data[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return {
    kind: 'compared',
    width: a.width,
    height: a.height,
    threshold,
    differingPixels,
    mismatchedPixels,
    mismatchRatio: mismatchedPixels / (a.width * a.height),
    meanAbsoluteError: sum / a.data.length,
    maxChannelError: max,
    diffPng: PNG.sync.write(diff),
  };
}

/** One line of figures. It never says that no pixel differs while some channel does: below a threshold, the exact count follows. */
export function describeComparison(comparison: ImageComparison): string {
  if (comparison.kind === 'size-mismatch') {
    const { actual, expected } = comparison;
    return `size ${actual.width}x${actual.height} where ${expected.width}x${expected.height} was expected`;
  }
  const { width, height, threshold, differingPixels, mismatchedPixels, mismatchRatio, maxChannelError, meanAbsoluteError } = comparison;
  const figures = `max channel difference ${maxChannelError}, mean ${meanAbsoluteError.toFixed(4)}`;
  const counted = `${mismatchedPixels} of ${width * height} pixels differ`;
  const percent = `(${(mismatchRatio * 100).toFixed(3)}%)`;
  if (threshold === 0) return `${counted} ${percent}, ${figures}`;
  return `${counted} beyond threshold ${threshold} ${percent}; ${differingPixels} ${differingPixels === 1 ? 'differs' : 'differ'} at all, ${figures}`;
}
