import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { exactDiff } from '../engine/exact-diff.js';

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
      /** PNG of the differences, encoded when asked for: the counted pixels in red over a faded copy of the actual image. */
      readonly diffPng: () => Buffer;
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
  // One pass: the counts, and the diff picture unless pixelmatch draws every pixel of its own over it.
  const { differing: differingPixels, sum, max } = exactDiff(a.data, e.data, threshold > 0 ? undefined : diff.data);
  const mismatchedPixels = threshold > 0 ? pixelmatch(a.data, e.data, diff.data, a.width, a.height, { threshold }) : differingPixels;
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
    diffPng: () => PNG.sync.write(diff),
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
