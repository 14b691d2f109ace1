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
export function cliRenderOptions(): Pick<RenderOptions, 'loadUrl' | 'limits' | 'names'> {
  let config: ReturnType<typeof loadCliConfig>;
  try {
    config = loadCliConfig();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { fetch, limits, names } = config;
  return { loadUrl: createUrlLoader({ ...fetch, names }), limits, names };
}

let stdinRead = false;

/** The part of standard input readStdin uses; a test can hand in its own. */
type Input = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/**
 * All of standard input, once (only one input may be "-"), for the flag that
 * named it: a terminal (nothing piped) and an empty pipe are each one line
 * saying so, not a wait or a decoder error.
 */
export async function readStdin(flag: string, input: Input = process.stdin): Promise<Buffer> {
  if (stdinRead) throw new UsageError(`Only one input can be read from standard input, but ${flag} is - as well`);
  stdinRead = true;
  const example = `cat logo.png | superimpose compose … ${flag} -`;
  if (input.isTTY) throw new UsageError(`${flag} - reads an image from standard input, but nothing is piped in: ${example}`);
  const bytes = await buffer(input);
  if (bytes.length === 0) throw new SuperimposeError('unreadable_input', `${flag} - reads an image from standard input, but standard input was empty: ${example}`);
  return bytes;
}
