import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js'); // the built CLI: npm test builds before vitest runs
export const GOLDEN = join(ROOT, 'golden');
export const input = (name: string): string => join(GOLDEN, 'inputs', name);

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly bytes: Buffer;
}

interface RunOptions {
  readonly stdin?: Buffer;
  readonly env?: Record<string, string>;
  /** Runs the built bin in a process of its own, in this folder. */
  readonly cwd?: string;
  /** Runs the built bin in a process of its own, in the repository root. */
  readonly bin?: boolean;
}

/**
 * Runs a command line with standard input closed after `stdin`: in this
 * process, as the bin's runCli with streams of the test's, unless it must be
 * the built bin in a process of its own (a working folder of its own, or `bin`).
 */
export async function run(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  if (options.cwd !== undefined || options.bin) return runBin(args, options);
  const out: Buffer[] = [];
  let stderr = '';
  const io = {
    stdout: { write: (chunk: string | Uint8Array) => out.push(Buffer.from(chunk)) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(options.stdin ? [options.stdin] : []),
    env: { ...process.env, ...options.env },
  };
  const code = await runCli(args, io);
  const bytes = Buffer.concat(out);
  return { code, stdout: bytes.toString(), stderr, bytes };
}

function runBin(args: readonly string[], options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code, stdout: bytes.toString(), stderr, bytes });
    });
    child.stdin.end(options.stdin);
  });
}

export const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'superimpose-cli-'));
