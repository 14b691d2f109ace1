import { join } from 'node:path';
import { describeTolerance } from '../golden/tolerance.js';
import {
  assertExpectationsExist,
  assertMayUpdate,
  describeComparison,
  GoldenFolderError,
  loadGoldenCases,
  updateGoldenCase,
  verifyGoldenCase,
  writeFailureArtifacts,
} from '../golden/suite.js';
import { parseCommandLine } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { printLine, type CliIo } from './io.js';

export const GOLDEN_HELP = `Usage: superimpose golden verify|update DIR [CASE ...]

DIR holds cases/NAME.json ({base, overlay, mask?, params, tolerance?}, paths
relative to DIR), inputs/ and expected/NAME.png. verify renders every case (or
the named ones) and compares it with its expectation exactly: any difference in
any channel of any pixel fails the case. A case file may loosen its own case
with "tolerance": {"threshold": 0.1, "maxDiffPixels": N, "maxDiffRatio": R,
"maxMeanError": E}, read as superimpose diff reads the same flags. Each failing
case is named with its figures, and NAME.actual.png and NAME.diff.png are
written to DIR/failures/; verify exits 1 if any case fails. update renders the
expectations (all, or the named cases): the way to create them for new cases.
It refuses when CI is set.

Examples:
  superimpose golden update golden rotate-90
  superimpose golden verify golden`;

export async function goldenCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandLine(args, {}, 'golden');
  const [action, dir, ...names] = positionals;
  if ((action !== 'verify' && action !== 'update') || !dir) throw new UsageError('Expected superimpose golden verify|update DIR');
  try {
    return await (action === 'update' ? update(dir, names, io) : verify(dir, names, io));
  } catch (error) {
    if (error instanceof GoldenFolderError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}

async function selectCases(dir: string, names: readonly string[]) {
  const all = await loadGoldenCases(dir);
  const unknown = names.filter((name) => !all.some((c) => c.name === name));
  if (unknown.length > 0) throw new UsageError(`No case named ${unknown.join(', ')} in ${join(dir, 'cases')}`);
  return names.length > 0 ? all.filter((c) => names.includes(c.name)) : all;
}

async function update(dir: string, names: readonly string[], io: CliIo): Promise<number> {
  const cases = await selectCases(dir, names);
  try {
    assertMayUpdate(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  for (const goldenCase of cases) {
    await updateGoldenCase(dir, goldenCase, io.env);
    printLine(io, `updated ${goldenCase.name}`);
  }
  return EXIT.ok;
}

async function verify(dir: string, names: readonly string[], io: CliIo): Promise<number> {
  const cases = await selectCases(dir, names);
  await assertExpectationsExist(dir, cases, names.length === 0);
  let failed = 0;
  let exact = 0;
  for (const goldenCase of cases) {
    const verdict = await verifyGoldenCase(dir, goldenCase);
    if (verdict.exact) exact++;
    if (verdict.pass) {
      printLine(io, `ok   ${goldenCase.name}${verdict.exact ? ' (exact)' : `: ${describeComparison(verdict.comparison)}`}`);
      continue;
    }
    failed++;
    const written = await writeFailureArtifacts(join(dir, 'failures'), verdict);
    printLine(io, `FAIL ${goldenCase.name}: ${describeComparison(verdict.comparison)} (allowed: ${describeTolerance(verdict.tolerance)}); wrote ${written.join(', ')}`);
  }
  printLine(io, `${cases.length - failed} passed, ${failed} failed (${exact} exact)`);
  return failed > 0 ? EXIT.different : EXIT.ok;
}
