import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseSuperimposeRequest } from '../contract/superimpose.js';
import { DecodedImageCache } from '../runtime/decoded-cache.js';
import { renderSuperimpose } from '../runtime/render.js';
import { parseCommandLine } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { cliRenderOptions, printLine, type CliIo } from './io.js';
import { outputFormatFor, writeOutput, type OutputNames } from './output.js';
import { runJobs } from './progress.js';

export const BATCH_HELP = `Usage: superimpose batch JOBS.json --out-dir DIR [--concurrency N]

JOBS.json is an array of parameter objects (the API's names), each with an
"out" file name inside DIR. Image paths are relative to JOBS.json's folder.
An input used by many jobs is decoded once. Every good job is written; failed
ones are named at the end, and the exit code is then 1. Each "out" follows
compose's output rule: the extension decides the format unless "image_format"
is given, which must then agree with it; a job with "base64": true writes
base64 text, to a name that is not an image's (.txt, .b64).

Example:
  [{"base_image": "shirt.jpg", "overlay_image": "logo-a.png", "rescale_factor": 0.4, "out": "a.jpg"},
   {"base_image": "shirt.jpg", "overlay_image": "logo-b.png", "rotation": 15, "out": "b.png"}]
  superimpose batch jobs.json --out-dir mockups --concurrency 2`;

interface Job {
  readonly index: number;
  readonly out: string;
  readonly request: Record<string, unknown>;
}

const IMAGE_FIELDS = ['base_image', 'overlay_image', 'mask'] as const;

const JOB_FIELD_NAMES: OutputNames = { out: '"out"', imageFormat: '"image_format"', base64: '"base64"' };

/** Reads and checks the job list; image paths resolve against the list's own folder. */
async function readJobs(path: string, outDir: string): Promise<Job[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new UsageError(`Expected ${path} to hold a JSON array of jobs: ${(cause as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new UsageError(`Expected ${path} to hold a JSON array of jobs`);
  const folder = dirname(resolve(path));
  return parsed.map((entry: unknown, index): Job => {
    if (typeof entry !== 'object' || entry === null) throw new UsageError(`Job ${index + 1} is not an object`);
    const { out, ...request } = entry as Record<string, unknown>;
    if (typeof out !== 'string' || out === '') throw new UsageError(`Job ${index + 1} has no "out" file name`);
    if (out.endsWith('/')) throw new UsageError(`Job ${index + 1}: "out" names a folder, ${out}; name the file to write in it`);
    const target = resolve(outDir, out);
    const inside = relative(resolve(outDir), target);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new UsageError(`Job ${index + 1}: "out" must stay inside --out-dir but is ${out}`);
    }
    for (const field of IMAGE_FIELDS) {
      const value = request[field];
      if (typeof value === 'string' && !isAbsolute(value) && existsSync(join(folder, value))) request[field] = join(folder, value);
    }
    return { index, out: target, request };
  });
}

export async function batchCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(
    args,
    { 'out-dir': { kind: 'string', value: 'the folder to write into' }, concurrency: { kind: 'string', value: 'integer of at least 1' } },
    'batch',
  );
  if (positionals.length !== 1) throw new UsageError('Expected one job list: superimpose batch JOBS.json --out-dir DIR');
  const outDir = values['out-dir'];
  if (typeof outDir !== 'string' || outDir === '') throw new UsageError('Expected --out-dir DIR');
  const concurrency = values['concurrency'] === undefined ? Math.min(availableParallelism(), 4) : Number(values['concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`Expected integer of at least 1 for --concurrency but received ${values['concurrency']}`);

  const jobs = await readJobs(positionals[0]!, outDir);
  await mkdir(outDir, { recursive: true });
  const cache = new DecodedImageCache();
  cache.plan(jobs.map((job) => job.request));
  const renderOptions = { ...cliRenderOptions(io), cache };
  const label = (job: Job) => relative(outDir, job.out);
  const failures = await runJobs(jobs, concurrency, io.stderr, { done: label, failed: label }, async (job) => {
    const request = { ...job.request };
    const format = outputFormatFor(job.out, { imageFormat: request['image_format'], base64: request['base64'] }, JOB_FIELD_NAMES);
    if (format) request['image_format'] = format;
    const { data } = await renderSuperimpose(parseSuperimposeRequest(request), renderOptions);
    await mkdir(dirname(job.out), { recursive: true });
    await writeOutput(job.out, request['base64'] === true ? `${data.toString('base64')}\n` : data, '"out"');
  });

  printLine(io, `${jobs.length - failures.length} written to ${outDir}, ${failures.length} failed`);
  for (const { job, reason } of failures.sort((a, b) => a.job.index - b.job.index)) {
    printLine(io, `  job ${job.index + 1} (${relative(outDir, job.out)}): ${reason}`);
  }
  return failures.length > 0 ? EXIT.different : EXIT.ok;
}
