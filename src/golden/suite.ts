import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { superimpose } from '../library/superimpose.js';
import { compareImages, DEFAULT_THRESHOLD, type ImageComparison } from './compare.js';

/**
 * Golden folders use the reference layout: cases/NAME.json holds
 * {base, overlay, mask?, params} with paths relative to the folder,
 * inputs/ the images, expected/NAME.png the lossless expectation.
 */
export interface GoldenCase {
  readonly name: string;
  readonly base: string;
  readonly overlay: string;
  readonly mask?: string;
  readonly params: Record<string, unknown>;
}

export interface Tolerance {
  readonly maxMeanAbsoluteError: number;
  readonly maxMismatchRatio: number;
}

/** SPEC "Golden references": rotation resamples twice, so it is allowed more. */
const TOLERANCES = {
  plain: { maxMeanAbsoluteError: 0.5, maxMismatchRatio: 0.001 },
  rotated: { maxMeanAbsoluteError: 1.5, maxMismatchRatio: 0.01 },
} as const satisfies Record<string, Tolerance>;

function toleranceFor(goldenCase: GoldenCase): Tolerance {
  const rotation = Number(goldenCase.params['rotation'] ?? 0);
  return rotation % 360 === 0 ? TOLERANCES.plain : TOLERANCES.rotated;
}

export async function loadGoldenCases(dir: string): Promise<GoldenCase[]> {
  const files = (await readdir(join(dir, 'cases'))).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const parsed = JSON.parse(await readFile(join(dir, 'cases', file), 'utf8')) as Omit<GoldenCase, 'name'>;
      return { name: file.slice(0, -'.json'.length), ...parsed };
    }),
  );
}

export const expectedPath = (dir: string, name: string): string => join(dir, 'expected', `${name}.png`);

/** Renders a case losslessly (PNG), whatever image_format the case names. */
async function renderGoldenCase(dir: string, goldenCase: GoldenCase): Promise<Buffer> {
  const result = await superimpose({
    base_image: join(dir, goldenCase.base),
    overlay_image: join(dir, goldenCase.overlay),
    ...(goldenCase.mask ? { mask: join(dir, goldenCase.mask) } : {}),
    ...goldenCase.params,
    image_format: 'png',
  });
  return result.data;
}

export interface GoldenVerdict {
  readonly name: string;
  readonly pass: boolean;
  readonly exact: boolean;
  readonly tolerance: Tolerance;
  readonly comparison: ImageComparison;
  readonly actual: Buffer;
}

export async function verifyGoldenCase(dir: string, goldenCase: GoldenCase, threshold = DEFAULT_THRESHOLD): Promise<GoldenVerdict> {
  const actual = await renderGoldenCase(dir, goldenCase);
  const comparison = await compareImages(actual, expectedPath(dir, goldenCase.name), threshold);
  const tolerance = toleranceFor(goldenCase);
  const compared = comparison.kind === 'compared';
  const pass = compared && comparison.meanAbsoluteError <= tolerance.maxMeanAbsoluteError && comparison.mismatchRatio <= tolerance.maxMismatchRatio;
  return { name: goldenCase.name, pass, exact: compared && comparison.maxChannelError === 0, tolerance, comparison, actual };
}

/** Writes the actual render and pixelmatch's diff beside each other for a failing case. */
export async function writeFailureArtifacts(outDir: string, verdict: GoldenVerdict): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written = [join(outDir, `${verdict.name}.actual.png`)];
  await writeFile(written[0]!, verdict.actual);
  if (verdict.comparison.kind === 'compared') {
    written.push(join(outDir, `${verdict.name}.diff.png`));
    await writeFile(written[1]!, verdict.comparison.diffPng);
  }
  return written;
}

/** Rewrites a case's expectation from the current render. Refused on CI, where expectations are never rewritten. */
export async function updateGoldenCase(dir: string, goldenCase: GoldenCase, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  assertMayUpdate(env);
  await mkdir(join(dir, 'expected'), { recursive: true });
  await writeFile(expectedPath(dir, goldenCase.name), await renderGoldenCase(dir, goldenCase));
}

export function assertMayUpdate(env: NodeJS.ProcessEnv): void {
  if (env['CI']) throw new Error('Refusing to rewrite golden expectations while CI is set: update them locally and commit the result');
}

export function describeComparison(comparison: ImageComparison): string {
  if (comparison.kind === 'size-mismatch') {
    const { actual, expected } = comparison;
    return `size ${actual.width}x${actual.height} where ${expected.width}x${expected.height} was expected`;
  }
  return `mean abs error ${comparison.meanAbsoluteError.toFixed(4)}, max ${comparison.maxChannelError}, ${comparison.mismatchedPixels} pixels differ (${(comparison.mismatchRatio * 100).toFixed(3)}%)`;
}
