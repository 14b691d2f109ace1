import { buffer } from 'node:stream/consumers';
import { loadConfig } from '../config.js';
import { createUrlLoader } from '../http/url-fetch.js';
import type { UrlLoader } from '../image-source.js';

/** URL inputs on the command line: the server's guarded fetcher, with its environment settings. */
export function cliUrlLoader(): UrlLoader {
  const config = loadConfig();
  return createUrlLoader({
    timeoutMs: config.SUPERIMPOSE_FETCH_TIMEOUT_MS,
    maxBytes: config.SUPERIMPOSE_FETCH_MAX_BYTES,
    allowHosts: config.SUPERIMPOSE_ALLOW_HOSTS,
  });
}

let stdinRead = false;

/** All of standard input, once: only one input may be "-". */
export async function readStdin(): Promise<Buffer> {
  if (stdinRead) throw new Error('Only one input can be read from standard input ("-")');
  stdinRead = true;
  return buffer(process.stdin);
}
