import { availableParallelism } from 'node:os';
import { parseCommandLine } from '../args.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { renderEach } from './each.js';
import { MOCKUP_FLAGS } from './flags.js';
import { renderOne } from './single.js';
import { assignment, assignments, checkPlaceholders, readTemplate } from './template.js';

export { MOCKUP_HELP } from './flags.js';

/** `superimpose mockup TEMPLATE.json`: one mockup with --set … --out, or one per file with --each … --out-dir. */
export async function mockupCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals, lists } = parseCommandLine(args, MOCKUP_FLAGS, 'mockup');
  if (positionals.length !== 1) {
    throw new UsageError(`Expected one template: superimpose mockup TEMPLATE.json --set NAME=IMAGE --out OUT${positionals.length > 1 ? ` but received ${positionals.join(' ')}` : ''} (superimpose mockup --help)`);
  }
  const fixed = assignments(lists['set'] ?? [], '--set');
  for (const [name, value] of fixed) {
    if (value === '-') throw new UsageError(`--set ${name}=-: mockup does not read standard input; give a file, an http(s) URL or base64`);
  }
  const given = new Map([...fixed.keys()].map((name) => [name, '--set']));
  const each = values['each'];
  const out = values['out'];
  const outDir = values['out-dir'];

  if (typeof each !== 'string') {
    if (outDir !== undefined || values['concurrency'] !== undefined) throw new UsageError('--out-dir and --concurrency go with --each; for one mockup, give --out');
    if (typeof out !== 'string' || out === '') throw new UsageError('Expected --out with a file name, or - for standard output');
    const template = await readTemplate(positionals[0]!);
    checkPlaceholders(template, given, (name) => `give --set ${name}=IMAGE`);
    return renderOne(template, fixed, out, io);
  }

  const [name, pattern] = assignment(each, '--each', "'GLOB'");
  if (fixed.has(name)) throw new UsageError(`{{${name}}} is given by both --set and --each: give it one of them`);
  if (out !== undefined) throw new UsageError(`With --each, each mockup is written to --out-dir, named after its input; --out is for one mockup`);
  if (typeof outDir !== 'string' || outDir === '') throw new UsageError('Expected --out-dir DIR with --each');
  const concurrency = values['concurrency'] === undefined ? Math.min(availableParallelism(), 4) : Number(values['concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`Expected integer of at least 1 for --concurrency but received ${values['concurrency']}`);
  const template = await readTemplate(positionals[0]!);
  checkPlaceholders(template, new Map([...given, [name, '--each']]), (missing) => `give --set ${missing}=IMAGE`);
  return renderEach(template, { name, pattern, fixed, outDir, concurrency }, io);
}
