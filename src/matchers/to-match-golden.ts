import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { compareToExpectation, decodeComparable, describeComparison, describeValue, type RgbaImage } from '../golden/compare.js';
import { describeTolerance, withinTolerance } from '../golden/tolerance.js';
import { inCi, runnerUpdates, updateRequested, type GoldenMatcherContext } from './context.js';
import { checkGoldenName, goldenPaths, type GoldenPaths } from './files.js';
import { parseGoldenOptions, type GoldenOptions } from './options.js';

/** What a matcher returns to vitest and jest alike. */
export interface GoldenMatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

const UPDATE_HINT = "Run with UPDATE_GOLDEN=1 (or the runner's -u) to accept the actual image as the new golden.";

/** PNG, lossless, from the decoded pixels: a golden holds exactly what was compared, whatever format the test produced. */
const encodePng = ({ data, width, height }: RgbaImage): Promise<Buffer> => sharp(data, { raw: { width, height, channels: 4 } }).png().toBuffer();

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
    throw new TypeError(`${title} expects the encoded image as a Buffer or Uint8Array (PNG, JPEG or WebP) but received ${describeValue(received)}`);
  }
  const { testPath } = this;
  if (!testPath) throw new Error(`${title} needs the test file's path (this.testPath) to find __goldens__/, and the runner gave none`);
  const paths = goldenPaths(testPath, name);
  const actual = await decodeComparable(received, 'the image under test');

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

  const comparison = await compareToExpectation(actual, golden, tolerance.threshold);
  const figures = `${describeComparison(comparison)}; allowed: ${describeTolerance(tolerance)}`;
  if (withinTolerance(comparison, tolerance)) {
    await removeResults(paths);
    return result(true, `${title}: ${figures}`);
  }
  await writeBytes(paths.actual, await encodePng(actual));
  if (comparison.kind === 'compared') await writeBytes(paths.diff, comparison.diffPng());
  else await rm(paths.diff, { force: true });
  return result(
    false,
    [
      `${title}: ${figures}.`,
      `  golden: ${paths.golden}`,
      `  actual: ${paths.actual}`,
      ...(comparison.kind === 'compared' ? [`  diff:   ${paths.diff}`] : []),
      UPDATE_HINT,
    ].join('\n'),
  );
}
