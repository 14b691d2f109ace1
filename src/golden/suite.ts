import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { superimpose } from '../library/superimpose.js';
import { compareToExpectation, type ImageComparison } from './compare.js';
import { EXACT, parseTolerance, withinTolerance, type Tolerance } from './tolerance.js';

export { describeComparison } from './compare.js';

/**
 * Golden folders use the reference layout: cases/NAME.json holds
 * {base, overlay, mask?, params, tolerance?} with paths relative to the
 * folder, inputs/ the images, expected/NAME.png the lossless expectation.
 * Without a tolerance a case must match exactly.
 */
export interface GoldenCase {
  readonly name: string;
  readonly base: string;
  readonly overlay: string;
  readonly mask?: string;
  readonly params: Record<string, unknown>;
  readonly tolerance?: Tolerance;
}

const CASE_FORM = '{"base": "inputs/…", "overlay": "inputs/…", "mask"?: "inputs/…", "params": {…}, "tolerance"?: {…}}';

/** A golden folder that cannot be used as it is; the message names the file and what to do. */
export class GoldenFolderError extends Error {
  override readonly name = 'GoldenFolderError';
}

function caseFromJson(file: string, text: string): GoldenCase {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new GoldenFolderError(`${file} is not valid JSON (${(cause as Error).message}): a case file holds ${CASE_FORM}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GoldenFolderError(`${file} holds no case object: expected ${CASE_FORM}`);
  const { base, overlay, mask, params, tolerance } = parsed as Record<string, unknown>;
  const stringOrAbsent = (value: unknown) => value === undefined || typeof value === 'string';
  if (typeof base !== 'string' || typeof overlay !== 'string' || !stringOrAbsent(mask)) {
    throw new GoldenFolderError(`${file} needs "base" and "overlay" (and an optional "mask") as paths relative to the folder: expected ${CASE_FORM}`);
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) throw new GoldenFolderError(`${file}: "params" must be an object of API parameters`);
  let checked: Tolerance | undefined;
  try {
    checked = tolerance === undefined ? undefined : parseTolerance(tolerance, (key) => (key === 'tolerance' ? '"tolerance"' : `"tolerance.${key}"`));
  } catch (cause) {
    throw new GoldenFolderError(`${file}: ${(cause as Error).message}`, { cause });
  }
  const name = basename(file, '.json');
  return { name, base, overlay, ...(mask === undefined ? {} : { mask: mask as string }), params: (params ?? {}) as Record<string, unknown>, ...(checked ? { tolerance: checked } : {}) };
}

/** Reads every case of a folder; a folder without cases, or a case file that cannot be read as a case, throws a GoldenFolderError naming it. */
export async function loadGoldenCases(dir: string): Promise<GoldenCase[]> {
  const casesDir = join(dir, 'cases');
  let files: string[];
  try {
    files = (await readdir(casesDir)).filter((f) => f.endsWith('.json')).sort();
  } catch (cause) {
    throw new GoldenFolderError(`Expected a golden folder with cases/, inputs/ and expected/ but could not read ${casesDir}: ${(cause as Error).message}`, { cause });
  }
  if (files.length === 0) throw new GoldenFolderError(`${casesDir} holds no case files: add cases/NAME.json as ${CASE_FORM}, then create the expectations with superimpose golden update ${dir}`);
  return Promise.all(files.map(async (file) => caseFromJson(join(casesDir, file), await readFile(join(casesDir, file), 'utf8'))));
}

export const expectedPath = (dir: string, name: string): string => join(dir, 'expected', `${name}.png`);

/** Refuses cases that have no expectation yet, naming the first file and the command that creates them. */
export async function assertExpectationsExist(dir: string, cases: readonly GoldenCase[], all: boolean): Promise<void> {
  const missing: GoldenCase[] = [];
  for (const goldenCase of cases) {
    if (!(await exists(expectedPath(dir, goldenCase.name)))) missing.push(goldenCase);
  }
  if (missing.length === 0) return;
  const first = expectedPath(dir, missing[0]!.name);
  const others = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
  const names = all && missing.length === cases.length ? '' : ` ${missing.map((c) => c.name).join(' ')}`;
  throw new GoldenFolderError(`No expectation ${first}${others}: render and review them, then create them with superimpose golden update ${dir}${names}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

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

/** Holds a case to its expectation: exactly, unless the case file carries a tolerance. */
export async function verifyGoldenCase(dir: string, goldenCase: GoldenCase): Promise<GoldenVerdict> {
  const actual = await renderGoldenCase(dir, goldenCase);
  const tolerance = goldenCase.tolerance ?? EXACT;
  const comparison = await compareToExpectation(actual, expectedPath(dir, goldenCase.name), tolerance.threshold);
  const exact = comparison.kind === 'compared' && comparison.differingPixels === 0;
  return { name: goldenCase.name, pass: withinTolerance(comparison, tolerance), exact, tolerance, comparison, actual };
}

/** Writes the actual render and the diff picture beside each other for a failing case. */
export async function writeFailureArtifacts(outDir: string, verdict: GoldenVerdict): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written = [join(outDir, `${verdict.name}.actual.png`)];
  await writeFile(written[0]!, verdict.actual);
  if (verdict.comparison.kind === 'compared') {
    written.push(join(outDir, `${verdict.name}.diff.png`));
    await writeFile(written[1]!, verdict.comparison.diffPng());
  }
  return written;
}

/** Rewrites a case's expectation from the current render. Refused on CI, where expectations are never rewritten. */
export async function updateGoldenCase(dir: string, goldenCase: GoldenCase, env: Readonly<Record<string, string | undefined>>): Promise<void> {
  assertMayUpdate(env);
  await mkdir(join(dir, 'expected'), { recursive: true });
  await writeFile(expectedPath(dir, goldenCase.name), await renderGoldenCase(dir, goldenCase));
}

export function assertMayUpdate(env: Readonly<Record<string, string | undefined>>): void {
  if (env['CI']) throw new Error('Refusing to rewrite golden expectations while CI is set: update them locally and commit the result');
}
