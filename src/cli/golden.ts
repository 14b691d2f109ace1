import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { figures } from '../golden/figures.js';
import { htmlReport, type ReportCase } from '../golden/report.js';
import { describeTolerance } from '../golden/tolerance.js';
import {
  assertExpectationsExist,
  assertMayUpdate,
  describeComparison,
  expectedPath,
  GoldenFolderError,
  loadGoldenCases,
  updateGoldenCase,
  verifyGoldenCase,
  writeFailureArtifacts,
  type GoldenVerdict,
} from '../golden/suite.js';
import { parseCommandLine } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { flagHelp, type DocumentedFlag } from './flags.js';
import { printLine, type CliIo } from './io.js';
import { checkOutputPath, writeOutput } from './output.js';

const GOLDEN_FLAGS: Record<string, DocumentedFlag> = {
  junit: {
    kind: 'string',
    value: 'an .xml file name for the JUnit report',
    placeholder: 'FILE.xml',
    help: 'verify: also write a JUnit XML report, whatever the\noutcome: a testcase per case, a failure with its figures\nand its diff image',
  },
  report: {
    kind: 'string',
    value: 'an .html file name for the report',
    placeholder: 'FILE.html',
    help: 'verify: also write one self-contained HTML page, whatever\nthe outcome: the counts, each case\'s figures, and for a\nfailing case its expected, actual and diff images and a\nslider between expected and actual',
  },
  json: {
    kind: 'boolean',
    help: 'verify: print {"cases": [{"name", "ok", "diffPixels",\n"maxError", "meanError"}], "passed", "failed"} on stdout,\nthe ok/FAIL lines on stderr instead; diffPixels counts the\npixels judged different (at the threshold), maxError and\nmeanError are channel levels (0 to 255); a case whose size\ndiffers from its expectation has null for all three, and\none that could not be verified (an input missing, a\nparameter out of range, an expectation that does not\ndecode) also has its "error"',
  },
};

export const GOLDEN_HELP = `Usage: superimpose golden verify|update DIR [CASE ...]

DIR holds cases/NAME.json ({base, overlay, mask?, params, tolerance?}, paths
relative to DIR), inputs/ and expected/NAME.png. verify renders every case (or
the named ones) and compares it with its expectation exactly: any difference in
any channel of any pixel fails the case. A case file may loosen its own case
with "tolerance": {"threshold": 0.1, "maxDiffPixels": N, "maxDiffRatio": R,
"maxMeanError": E}, read as superimpose diff reads the same flags. Each failing
case is named with its figures, and NAME.actual.png and NAME.diff.png are
written to DIR/failures/. A case that cannot be verified (a missing input, a
bad parameter, an expectation that does not decode) is an ERROR line, and the
other cases are still verified; verify exits 1 if any case fails or cannot be
verified. update renders the
expectations (all, or the named cases): the way to create them for new cases.
It refuses when CI is set.

Options:
${flagHelp(GOLDEN_FLAGS)}

Examples:
  superimpose golden update golden rotate-90
  superimpose golden verify golden
  superimpose golden verify golden --junit reports/golden.xml --json > golden.json
  superimpose golden verify golden --report reports/golden.html`;

export async function goldenCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, GOLDEN_FLAGS, 'golden');
  const [action, dir, ...names] = positionals;
  if ((action !== 'verify' && action !== 'update') || !dir) throw new UsageError('Expected superimpose golden verify|update DIR');
  const junit = typeof values['junit'] === 'string' ? values['junit'] : undefined;
  const report = typeof values['report'] === 'string' ? values['report'] : undefined;
  const json = values['json'] === true;
  const reporting = Object.entries({ junit: junit !== undefined, report: report !== undefined, json }).find(([, given]) => given)?.[0];
  if (action === 'update' && reporting) throw new UsageError(`--${reporting} reports on golden verify, not golden update`);
  if (junit !== undefined) await checkOutputPath(junit, '--junit', 'golden.xml');
  if (report !== undefined) await checkOutputPath(report, '--report', 'golden.html');
  try {
    return await (action === 'update' ? update(dir, names, io) : verify(dir, names, io, { junit, report, json }));
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

/**
 * One case's outcome as the reports give it: its verdict and the files written
 * for it, or the error that stopped it (a missing input, a parameter
 * out of range), and how long it took.
 */
type CaseResult =
  | { readonly kind: 'verdict'; readonly verdict: GoldenVerdict; readonly seconds: number; readonly written: readonly string[] }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly type: string; readonly seconds: number };

const passed = (result: CaseResult): boolean => result.kind === 'verdict' && result.verdict.pass;
const nameOf = (result: CaseResult): string => (result.kind === 'verdict' ? result.verdict.name : result.name);

interface VerifyOutputs {
  readonly junit: string | undefined;
  readonly report: string | undefined;
  readonly json: boolean;
}

async function verify(dir: string, names: readonly string[], io: CliIo, outputs: VerifyOutputs): Promise<number> {
  const cases = await selectCases(dir, names);
  await assertExpectationsExist(dir, cases, names.length === 0);
  // With --json, stdout carries only the summary; the human lines still show progress on stderr.
  const say = outputs.json ? (line: string) => void io.stderr.write(`${line}\n`) : (line: string) => printLine(io, line);
  const results: CaseResult[] = [];
  for (const goldenCase of cases) {
    const start = performance.now();
    const outcome = await verifyGoldenCase(dir, goldenCase).then(
      (verdict) => ({ verdict }),
      // One case that cannot be verified must not hide the others' results: it is reported as an error.
      (error: unknown) => ({ error: error instanceof Error ? error.message : String(error), type: error instanceof Error ? error.name : 'Error' }),
    );
    const seconds = (performance.now() - start) / 1000;
    if ('error' in outcome) {
      results.push({ kind: 'error', name: goldenCase.name, message: outcome.error, type: outcome.type, seconds });
      say(`ERROR ${goldenCase.name}: ${outcome.error}`);
      continue;
    }
    const { verdict } = outcome;
    if (verdict.pass) {
      results.push({ kind: 'verdict', verdict, seconds, written: [] });
      say(`ok   ${goldenCase.name}${verdict.exact ? ' (exact)' : `: ${describeComparison(verdict.comparison)}`}`);
      continue;
    }
    const written = await writeFailureArtifacts(join(dir, 'failures'), verdict);
    results.push({ kind: 'verdict', verdict, seconds, written });
    say(`FAIL ${goldenCase.name}: ${failureMessage(verdict)}; wrote ${written.join(', ')}`);
  }
  const failed = results.filter((r) => r.kind === 'verdict' && !r.verdict.pass).length;
  const errors = results.filter((r) => r.kind === 'error').length;
  const exact = results.filter((r) => r.kind === 'verdict' && r.verdict.exact).length;
  say(`${cases.length - failed - errors} passed, ${failed} failed${errors > 0 ? `, ${errors} could not be verified` : ''} (${exact} exact)`);
  if (outputs.junit !== undefined) await writeFile(outputs.junit, junitReport(results));
  if (outputs.report !== undefined) await writeOutput(outputs.report, await htmlPage(dir, results), '--report');
  if (outputs.json) printLine(io, JSON.stringify(jsonSummary(results)));
  return failed + errors > 0 ? EXIT.different : EXIT.ok;
}

const failureMessage = (verdict: GoldenVerdict): string => `${describeComparison(verdict.comparison)} (allowed: ${describeTolerance(verdict.tolerance)})`;

/** The HTML report; only a failing case's expectation is read, as only those show images. */
async function htmlPage(dir: string, results: readonly CaseResult[]): Promise<string> {
  const cases = await Promise.all(
    results.map(async (result): Promise<ReportCase> => {
      if (result.kind === 'error') return { error: result.message, name: result.name, seconds: result.seconds };
      const { verdict, seconds } = result;
      return verdict.pass ? { verdict, seconds } : { verdict, seconds, expected: await readFile(expectedPath(dir, verdict.name)) };
    }),
  );
  return htmlReport(cases);
}

function jsonSummary(results: readonly CaseResult[]) {
  const cases = results.map((result) =>
    result.kind === 'error'
      ? { name: result.name, ok: false, diffPixels: null, maxError: null, meanError: null, error: result.message }
      : { name: result.verdict.name, ok: result.verdict.pass, ...figures(result.verdict.comparison) },
  );
  const passed = cases.filter((c) => c.ok).length;
  return { cases, passed, failed: cases.length - passed };
}

const XML_ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Text for an XML attribute or element; characters XML 1.0 cannot carry at all become U+FFFD. */
function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

const seconds = (s: number): string => s.toFixed(3);

/**
 * JUnit XML as CI systems read it: one suite, a testcase per case, a failure
 * with the figures and the files written, an error (typed by its class) for a case that could not be verified.
 */
function junitReport(results: readonly CaseResult[]): string {
  const errors = results.filter((r) => r.kind === 'error').length;
  const failures = results.filter((r) => !passed(r)).length - errors;
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuite name="golden" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(total)}">`];
  for (const result of results) {
    const head = `  <testcase classname="golden" name="${xml(nameOf(result))}" time="${seconds(result.seconds)}"`;
    if (result.kind === 'error') {
      lines.push(`${head}>`, `    <error message="${xml(result.message)}" type="${xml(result.type)}"/>`, '  </testcase>');
      continue;
    }
    const { verdict, written } = result;
    if (verdict.pass) {
      lines.push(`${head}/>`);
      continue;
    }
    const diffImage = written.find((path) => path.endsWith('.diff.png'));
    const actual = written.find((path) => path.endsWith('.actual.png'));
    const where = [diffImage ? `diff image: ${diffImage}` : 'no diff image: the sizes differ', ...(actual ? [`actual image: ${actual}`] : [])].join('\n');
    lines.push(`${head}>`, `    <failure message="${xml(failureMessage(verdict))}" type="golden-mismatch">${xml(where)}</failure>`, '  </testcase>');
  }
  lines.push('</testsuite>', '');
  return lines.join('\n');
}
