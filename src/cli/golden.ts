import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertMayUpdate, describeComparison, loadGoldenCases, updateGoldenCase, verifyGoldenCase, writeFailureArtifacts } from '../golden/suite.js';
import { EXIT, UsageError } from './errors.js';

export const GOLDEN_HELP = `Usage: superimpose golden verify|update DIR [CASE ...]

DIR holds cases/NAME.json ({base, overlay, mask?, params}, paths relative to
DIR), inputs/ and expected/NAME.png. verify renders every case (or the named
ones) and holds it to the SPEC tolerances, naming each failing case with its
figures and writing NAME.actual.png and NAME.diff.png to DIR/failures/; it exits 1
if any case fails. update rewrites the expectations, and refuses when CI is set.

Examples:
  superimpose golden verify golden
  superimpose golden update golden rotate-90`;

export async function goldenCommand(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  const [action, dir, ...names] = positionals;
  if ((action !== 'verify' && action !== 'update') || !dir) throw new UsageError('Expected superimpose golden verify|update DIR');
  const all = await loadGoldenCases(dir).catch((cause: unknown) => {
    throw new UsageError(`Expected a golden folder with cases/, inputs/ and expected/ but could not read ${dir}: ${(cause as Error).message}`);
  });
  const unknown = names.filter((name) => !all.some((c) => c.name === name));
  if (unknown.length > 0) throw new UsageError(`No case named ${unknown.join(', ')} in ${dir}/cases`);
  const cases = names.length > 0 ? all.filter((c) => names.includes(c.name)) : all;

  if (action === 'update') {
    try {
      assertMayUpdate(process.env);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    for (const goldenCase of cases) {
      await updateGoldenCase(dir, goldenCase);
      console.log(`updated ${goldenCase.name}`);
    }
    return EXIT.ok;
  }

  let failed = 0;
  let exact = 0;
  for (const goldenCase of cases) {
    const verdict = await verifyGoldenCase(dir, goldenCase);
    if (verdict.exact) exact++;
    if (verdict.pass) {
      console.log(`ok   ${goldenCase.name}${verdict.exact ? ' (exact)' : `: ${describeComparison(verdict.comparison)}`}`);
      continue;
    }
    failed++;
    const written = await writeFailureArtifacts(join(dir, 'failures'), verdict);
    const { maxMeanAbsoluteError, maxMismatchRatio } = verdict.tolerance;
    console.log(`FAIL ${goldenCase.name}: ${describeComparison(verdict.comparison)} (allowed: mean ${maxMeanAbsoluteError}, ${maxMismatchRatio * 100}% of pixels); wrote ${written.join(', ')}`);
  }
  console.log(`${cases.length - failed} passed, ${failed} failed (${exact} exact)`);
  return failed > 0 ? EXIT.different : EXIT.ok;
}
