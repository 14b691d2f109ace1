import { buffer } from 'node:stream/consumers';
import { loadCliConfig } from '../config/server.js';
import { SuperimposeError } from '../contract/errors.js';
import type { RenderOptions } from '../runtime/render.js';
import { createUrlLoader } from '../runtime/url-fetch.js';
import { UsageError } from './errors.js';

/**
 * How the CLI renders: URL inputs through the guarded fetcher, and the pixel
 * limits, from the same environment variables as the server, whose names the
 * refusals give. A bad value is a usage error naming the variable.
 */
export function cliRenderOptions(io: CliIo): Pick<RenderOptions, 'loadUrl' | 'limits' | 'names'> {
  let config: ReturnType<typeof loadCliConfig>;
  try {
    config = loadCliConfig(io.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { fetch, limits, names } = config;
  return { loadUrl: createUrlLoader({ ...fetch, names }), limits, names };
}

/** Standard input, as a command reads it. */
type Input = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/**
 * Where a command writes and reads: the process's streams and environment, or
 * a test's, so that a command runs the same in the bin and in process.
 */
export interface CliIo {
  readonly stdout: { write(chunk: string | Uint8Array): unknown };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stdin: Input;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

/** Writes one line to standard output. */
export const printLine = (io: CliIo, line: string): void => void io.stdout.write(`${line}\n`);

/** A reader of standard input for one command's run: only one input may be "-". */
export function stdinOnce(io: CliIo): (flag: string) => Promise<Buffer> {
  let read = false;
  return (flag) => {
    if (read) return Promise.reject(new UsageError(`Only one input can be read from standard input, but ${flag} is - as well`));
    read = true;
    return readStdin(flag, io.stdin);
  };
}

/**
 * All of standard input for the flag that named it: a terminal (nothing piped)
 * and an empty pipe are each one line saying so, not a wait or a decoder error.
 */
export async function readStdin(flag: string, input: Input): Promise<Buffer> {
  const example = `cat logo.png | superimpose compose … ${flag} -`;
  if (input.isTTY) throw new UsageError(`${flag} - reads an image from standard input, but nothing is piped in: ${example}`);
  const bytes = await buffer(input);
  if (bytes.length === 0) throw new SuperimposeError('unreadable_input', `${flag} - reads an image from standard input, but standard input was empty: ${example}`);
  return bytes;
}
