import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import sharp from 'sharp';

/** pixelmatch's per-pixel colour threshold used by the SPEC tolerances. */
export const DEFAULT_THRESHOLD = 0.1;

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
      /** Pixels pixelmatch counts as different at the threshold. */
      readonly mismatchedPixels: number;
      /** mismatchedPixels / all pixels. */
      readonly mismatchRatio: number;
      /** Mean absolute difference over every channel of every pixel (RGBA). */
      readonly meanAbsoluteError: number;
      readonly maxChannelError: number;
      /** PNG of pixelmatch's diff picture. */
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

/** Compares two encoded images (bytes or paths) pixel by pixel. */
export async function compareImages(actual: Buffer | string, expected: Buffer | string, threshold = DEFAULT_THRESHOLD): Promise<ImageComparison> {
  const [a, e] = await Promise.all([toRgba(actual), toRgba(expected)]);
  if (a.width !== e.width || a.height !== e.height) {
    return { kind: 'size-mismatch', actual: { width: a.width, height: a.height }, expected: { width: e.width, height: e.height } };
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const mismatchedPixels = pixelmatch(a.data, e.data, diff.data, a.width, a.height, { threshold });
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
    mismatchedPixels,
    mismatchRatio: mismatchedPixels / (a.width * a.height),
    meanAbsoluteError: sum / a.data.length,
    maxChannelError: max,
    diffPng: PNG.sync.write(diff),
  };
}
