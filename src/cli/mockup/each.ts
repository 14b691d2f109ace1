import { mkdir } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative } from 'node:path';
import { glob } from 'tinyglobby';
import { parseMockupRequest, type MockupParams } from '../../contract/mockup.js';
import { fillTemplate } from '../../library/mockup.js';
import { DecodedImageCache } from '../../runtime/decoded-cache.js';
import { mockupImageFields, renderMockupRequest } from '../../runtime/mockup.js';
import { EXIT, UsageError } from '../errors.js';
import { cliRenderOptions, printLine, type CliIo } from '../io.js';
import { writeOutput } from '../output.js';
import { runJobs } from '../progress.js';
import type { Template } from './template.js';

interface EachOptions {
  /** The placeholder each matched file fills, and the glob. */
  readonly name: string;
  readonly pattern: string;
  /** The other placeholders' values, the same for every mockup. */
  readonly fixed: ReadonlyMap<string, string>;
  readonly outDir: string;
  readonly concurrency: number;
}

interface Job {
  readonly input: string;
  readonly out: string;
  readonly params: MockupParams;
}

const EXTENSIONS = { jpeg: 'jpg', png: 'png', webp: 'webp' } as const;

/** How a matched file is named in messages: as from the current folder when it is under it. */
const shown = (file: string): string => {
  const path = relative(process.cwd(), file);
  return path.startsWith('..') || isAbsolute(path) ? file : path;
};

async function matches(options: EachOptions): Promise<string[]> {
  // Files only, as written: a folder in the glob is not searched through.
  const files = (await glob(options.pattern, { absolute: true, onlyFiles: true, expandDirectories: false })).sort();
  if (files.length === 0) throw new UsageError(`--each ${options.name}='${options.pattern}' matches no file`);
  return files;
}

/** One job per matched file, each out named after its input; two inputs that would write one file are refused before any render. */
function planJobs(template: Template, options: EachOptions, files: readonly string[]): Job[] {
  const fill = (file: string) => parseMockupRequest(fillTemplate(template.request, { ...Object.fromEntries(options.fixed), [options.name]: file }));
  const writers = new Map<string, string>();
  return files.map((input) => {
    const params = fill(input);
    const out = join(options.outDir, `${basename(input, extname(input))}.${params.base64 ? 'b64' : EXTENSIONS[params.image_format]}`);
    const other = writers.get(out);
    if (other !== undefined) throw new UsageError(`--each ${options.name}: ${shown(other)} and ${shown(input)} would both be written to ${out}; give them different names`);
    writers.set(out, input);
    return { input, out, params };
  });
}

/** One mockup per matched file, the base and every fixed input decoded once; every good one written, the failed ones named. */
export async function renderEach(template: Template, options: EachOptions, io: CliIo): Promise<number> {
  // The filled template is validated before any render: a bad field is one refusal, not one per file.
  const jobs = planJobs(template, options, await matches(options));
  try {
    await mkdir(options.outDir, { recursive: true });
  } catch (cause) {
    throw new UsageError(`Could not create --out-dir ${options.outDir}: ${(cause as Error).message}`, { cause });
  }
  const cache = new DecodedImageCache();
  cache.planUses(jobs.flatMap((job) => mockupImageFields(job.params)));
  const renderOptions = { ...cliRenderOptions(io), cache };
  const labels = { done: (job: Job) => `${shown(job.input)} -> ${job.out}`, failed: (job: Job) => shown(job.input) };
  const failures = await runJobs(jobs, options.concurrency, io.stderr, labels, async (job) => {
    const { data } = await renderMockupRequest(job.params, renderOptions);
    await writeOutput(job.out, job.params.base64 ? `${data.toString('base64')}\n` : data, '--out-dir');
  });

  printLine(io, `${jobs.length - failures.length} written to ${options.outDir}, ${failures.length} failed`);
  for (const { job, reason } of failures.sort((a, b) => a.job.input.localeCompare(b.job.input))) printLine(io, `  ${shown(job.input)}: ${reason}`);
  return failures.length > 0 ? EXIT.different : EXIT.ok;
}
