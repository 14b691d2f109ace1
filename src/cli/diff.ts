import { SuperimposeError } from '../contract/errors.js';
import { compareToExpectation, describeComparison } from '../golden/compare.js';
import { describeTolerance, parseTolerance, TOLERANCE_FIELDS, toleranceExpectation, withinTolerance, type Tolerance, type ToleranceKey } from '../golden/tolerance.js';
import { parseCommandLine, type FlagSpec } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { printLine, type CliIo } from './io.js';
import { checkOutputPath, writeOutput } from './output.js';

const flagOf = (key: string): string => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** The tolerance flags, one per tolerance field: --threshold, --max-diff-pixels, --max-diff-ratio, --max-mean-error. */
const TOLERANCE_FLAGS = (Object.keys(TOLERANCE_FIELDS) as ToleranceKey[]).map((key) => ({ key, flag: flagOf(key) }));

export const DIFF_HELP = `Usage: superimpose diff A B [--threshold T] [--max-diff-pixels N] [--max-diff-ratio R] [--max-mean-error E] [--diff D.png]

Compares two images pixel by pixel, exactly by default: one level of one channel
of one pixel is a difference. Prints how many pixels differ, the largest channel
difference and the mean; exits 0 when the images match, 1 when they differ or
their sizes do.

To tolerate differences, on request:
  --threshold T        count a pixel only when its YIQ colour distance (pixelmatch's
                       metric, 0 to 1) exceeds T, as pixelmatch counts with includeAA;
                       without it, any difference counts
  --max-diff-pixels N  let up to N pixels count as different
  --max-diff-ratio R   let up to the share R (0 to 1) of the pixels count as different
  --max-mean-error E   let the mean absolute channel difference reach E levels (0 to 255)
With none of the last three, no pixel may count as different; with some, each
one given must hold. --diff writes a picture of the differences: the counted
pixels in red over a faded copy of A.

Examples:
  superimpose diff expected.png actual.png
  superimpose diff a.jpg b.jpg --threshold 0.1 --max-diff-ratio 0.001 --diff changes.png`;

const DIFF_FLAGS: Record<string, FlagSpec> = {
  diff: { kind: 'string', value: 'a .png file name for the picture of the differences' },
  ...Object.fromEntries(TOLERANCE_FLAGS.map(({ key, flag }) => [flag, { kind: 'string', value: toleranceExpectation(key) }])),
};

/** The tolerance the flags ask for; a bad value is a usage error naming its flag. */
function toleranceFromFlags(values: Readonly<Record<string, string | boolean | undefined>>): Tolerance {
  // A value that is no number stays text, so the refusal shows it as given.
  const given = Object.fromEntries(
    TOLERANCE_FLAGS.flatMap(({ key, flag }) => {
      const text = values[flag];
      return typeof text === 'string' ? [[key, text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text]] : [];
    }),
  );
  try {
    return parseTolerance(given, (key) => `--${flagOf(key)}`);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, DIFF_FLAGS, 'diff');
  if (positionals.length !== 2) throw new UsageError('Expected two images: superimpose diff A B');
  const tolerance = toleranceFromFlags(values);
  const diffOut = values['diff'];
  if (typeof diffOut === 'string') await checkOutputPath(diffOut, '--diff', 'changes.png');
  const [a, b] = positionals as [string, string];
  const comparison = await compareToExpectation(a, b, tolerance.threshold).catch((cause: unknown) => {
    throw new SuperimposeError('unreadable_input', `Could not read both images: ${(cause as Error).message}`, { cause });
  });
  if (comparison.kind === 'size-mismatch') {
    const { actual, expected } = comparison;
    printLine(io, `sizes differ: ${a} is ${actual.width}x${actual.height}, ${b} is ${expected.width}x${expected.height}`);
    return EXIT.different;
  }
  if (typeof diffOut === 'string') await writeOutput(diffOut, comparison.diffPng(), '--diff');
  const pass = withinTolerance(comparison, tolerance);
  const allowed = pass && comparison.differingPixels > 0 ? `; within the tolerance (${describeTolerance(tolerance)})` : '';
  printLine(io, `${describeComparison(comparison)}${allowed}`);
  return pass ? EXIT.ok : EXIT.different;
}
