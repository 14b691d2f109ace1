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
