import { buffer } from 'node:stream/consumers';
import { loadCliConfig } from '../config/server.js';
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

/** All of standard input, once: only one input may be "-". */
export async function readStdin(): Promise<Buffer> {
  if (stdinRead) throw new Error('Only one input can be read from standard input ("-")');
  stdinRead = true;
  return buffer(process.stdin);
}
