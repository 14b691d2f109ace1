import { describeError } from './errors.js';
import type { CliIo } from './io.js';

/** Reports a batch's progress on stderr: a bar redrawn in place on a terminal, one line per item otherwise (logs, CI, pipes). */
export function progress(total: number, stderr: CliIo['stderr']): (done: number, failed: number, line: string) => void {
  if (stderr.isTTY) {
    return (done, failed) => {
      const width = 30;
      const filled = Math.round((done / total) * width);
      stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${failed ? `, ${failed} failed` : ''}`);
      if (done === total) stderr.write('\n');
    };
  }
  return (done, _failed, line) => stderr.write(`[${done}/${total}] ${line}\n`);
}

/** How a batch names a job in its progress lines: when done (`out.png`, `a.png -> out.png`), and when failed. */
export interface JobLabels<J> {
  readonly done: (job: J) => string;
  readonly failed: (job: J) => string;
}

/**
 * Runs every job, at most `concurrency` at once, reporting each on stderr; a
 * job that throws is a failure with its reason, and the others go on.
 */
export async function runJobs<J>(jobs: readonly J[], concurrency: number, stderr: CliIo['stderr'], labels: JobLabels<J>, run: (job: J) => Promise<void>): Promise<{ job: J; reason: string }[]> {
  const report = progress(jobs.length, stderr);
  const failures: { job: J; reason: string }[] = [];
  let done = 0;
  let next = 0;
  const runOne = async (job: J) => {
    const started = performance.now();
    try {
      await run(job);
      report(++done, failures.length, `ok ${labels.done(job)} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      failures.push({ job, reason: describeError(error, false) });
      report(++done, failures.length, `FAILED ${labels.failed(job)}`);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) await runOne(jobs[next++]!);
    }),
  );
  return failures;
}
