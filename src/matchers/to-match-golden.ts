import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { compareImages, ImageSizeMismatchError, type ImageDifference } from '../golden/compare.js';
import { inCi, runnerUpdates, updateRequested, type GoldenMatcherContext } from './context.js';
import { checkGoldenName, goldenPaths, type GoldenPaths } from './files.js';
import { describeOptions, parseGoldenOptions, withinOptions, type GoldenOptions } from './options.js';

/** What a matcher returns to vitest and jest alike. */
export interface GoldenMatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

interface Rgba {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

const UPDATE_HINT = 'Run with UPDATE_GOLDEN=1 (or the runner\'s -u) to accept the actual image as the new golden.';

/** Decoded as compareImages decodes: RGBA, 8 bits a channel, the stored values (no colour-profile conversion). */
async function decode(image: Uint8Array, label: string): Promise<Rgba> {
  try {
    const { data, info } = await sharp(image, { ignoreIcc: true }).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    throw new Error(`toMatchGolden could not decode ${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** PNG, lossless, from the decoded pixels: a golden holds exactly what was compared, whatever format the test produced. */
const encodePng = ({ data, width, height }: Rgba): Promise<Buffer> => sharp(data, { raw: { width, height, channels: 4 } }).png().toBuffer();

async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** Results of an earlier failure would mislead once the image matches again. */
const removeResults = (paths: GoldenPaths): Promise<unknown> => Promise.all([rm(paths.actual, { force: true }), rm(paths.diff, { force: true })]);

async function readGolden(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const result = (pass: boolean, message: string): GoldenMatcherResult => ({ pass, message: () => message });

/**
 * `await expect(image).toMatchGolden(name, options?)`: compares an encoded
 * image (PNG, JPEG, WebP; Buffer or Uint8Array) with `__goldens__/NAME.png`
 * beside the test file, pixel by pixel, exactly unless options say otherwise.
 * A missing golden is written and passes, except under CI; UPDATE_GOLDEN=1 or
 * the runner's -u rewrites goldens, refused under CI. A failure writes the
 * actual image and a diff image under `__goldens__/__results__/`.
 */
export async function toMatchGolden(this: GoldenMatcherContext, received: unknown, name: string, options?: GoldenOptions): Promise<GoldenMatcherResult> {
  const title = `toMatchGolden(${JSON.stringify(name)})`;
  // A golden says what an image is; "not this golden" would pass for any other image, a broken one included.
  if (this.isNot) return result(true, `${title} cannot be negated: .not.toMatchGolden would pass for almost any image. Compare with a golden of what the image should be instead.`);
  checkGoldenName(name);
  const tolerance = parseGoldenOptions(options);
  if (!(received instanceof Uint8Array)) {
    throw new TypeError(`${title} expects the encoded image as a Buffer or Uint8Array (PNG, JPEG or WebP) but received ${received === null ? 'null' : typeof received}`);
  }
  const { testPath } = this;
  if (!testPath) throw new Error(`${title} needs the test file's path (this.testPath) to find __goldens__/, and the runner gave none`);
  const paths = goldenPaths(testPath, name);
  const actual = await decode(received, 'the image under test');

  if (updateRequested() || runnerUpdates(this)) {
    if (inCi()) return result(false, `${title}: refusing to update ${paths.golden} because CI is set; goldens are updated locally and committed.`);
    await writeBytes(paths.golden, await encodePng(actual));
    await removeResults(paths);
    return result(true, `${title}: golden ${paths.golden} written`);
  }

  const golden = await readGolden(paths.golden);
  if (golden === undefined) {
    if (inCi()) return result(false, `${title}: missing golden ${paths.golden}. Goldens are not written when CI is set: run the test locally once and commit the file.`);
    await writeBytes(paths.golden, await encodePng(actual));
    return result(true, `${title}: golden ${paths.golden} written`);
  }

  const compareOptions = tolerance.threshold === undefined ? {} : { threshold: tolerance.threshold };
  let figures: ImageDifference;
  try {
    figures = await compareImages(actual, golden, compareOptions);
  } catch (error) {
    if (!(error instanceof ImageSizeMismatchError)) throw error;
    await writeBytes(paths.actual, await encodePng(actual));
    await rm(paths.diff, { force: true });
    const size = ({ width, height }: { width: number; height: number }) => `${width}x${height}`;
    return result(false, [`${title}: the image is ${size(error.actual)} where the golden is ${size(error.expected)}.`, `  golden: ${paths.golden}`, `  actual: ${paths.actual}`, UPDATE_HINT].join('\n'));
  }

  const pixels = figures.width * figures.height;
  const allowed = describeOptions(tolerance);
  if (withinOptions({ pixels, diffPixels: figures.diffPixels, meanError: figures.meanError }, tolerance)) {
    await removeResults(paths);
    return result(true, `${title}: ${figures.diffPixels} of ${pixels} pixels differ, within ${allowed}`);
  }

  const { diff } = await compareImages(actual, golden, { ...compareOptions, diff: true });
  await writeBytes(paths.actual, await encodePng(actual));
  if (diff) await writeBytes(paths.diff, diff);
  const beyond = tolerance.threshold ? ` beyond threshold ${tolerance.threshold}` : '';
  const percent = ((figures.diffPixels / pixels) * 100).toFixed(3);
  return result(
    false,
    [
      `${title}: ${figures.diffPixels} of ${pixels} pixels differ${beyond} (${percent}%), max channel difference ${figures.maxError}, mean error ${figures.meanError.toFixed(4)}; allowed: ${allowed}.`,
      `  golden: ${paths.golden}`,
      `  actual: ${paths.actual}`,
      ...(diff ? [`  diff:   ${paths.diff}`] : []),
      UPDATE_HINT,
    ].join('\n'),
  );
}
