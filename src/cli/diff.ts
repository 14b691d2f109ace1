import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SuperimposeError } from '../contract/errors.js';
import { compareImages, DEFAULT_THRESHOLD } from '../golden/compare.js';
import { EXIT, UsageError } from './errors.js';

export const DIFF_HELP = `Usage: superimpose diff A B [--diff D.png] [--threshold 0.1]

Compares two images pixel by pixel with pixelmatch. Exits 0 when no pixel
differs at the threshold, 1 when some do (printing how many) or when the sizes
differ. --diff writes pixelmatch's picture of the differences.

Examples:
  superimpose diff expected.png actual.png
  superimpose diff a.jpg b.jpg --threshold 0.05 --diff changes.png`;

export async function diffCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { diff: { type: 'string' }, threshold: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 2) throw new UsageError('Expected two images: superimpose diff A B');
  const threshold = values.threshold === undefined ? DEFAULT_THRESHOLD : Number(values.threshold);
  if (!(threshold >= 0 && threshold <= 1)) throw new UsageError(`Expected number between 0 and 1 for --threshold but received ${values.threshold}`);
  const [a, b] = positionals as [string, string];
  const comparison = await compareImages(a, b, threshold).catch((cause: unknown) => {
    throw new SuperimposeError('unreadable_input', `Could not read both images: ${(cause as Error).message}`, { cause });
  });
  if (comparison.kind === 'size-mismatch') {
    const { actual, expected } = comparison;
    console.log(`sizes differ: ${a} is ${actual.width}x${actual.height}, ${b} is ${expected.width}x${expected.height}`);
    return EXIT.different;
  }
  if (values.diff) await writeFile(values.diff, comparison.diffPng);
  const percent = (comparison.mismatchRatio * 100).toFixed(3);
  console.log(`${comparison.mismatchedPixels} of ${comparison.width * comparison.height} pixels differ (${percent}%), max channel difference ${comparison.maxChannelError}`);
  return comparison.mismatchedPixels === 0 ? EXIT.ok : EXIT.different;
}
