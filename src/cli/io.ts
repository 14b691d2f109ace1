import { buffer } from 'node:stream/consumers';
import { loadConfig } from '../config/server.js';
import type { UrlLoader } from '../runtime/sources.js';
import { createUrlLoader } from '../runtime/url-fetch.js';

/** URL inputs on the command line: the guarded fetcher, with the server's environment settings. */
export function cliUrlLoader(): UrlLoader {
  const { render, names } = loadConfig();
  return createUrlLoader({ ...render.fetch, names });
}

let stdinRead = false;

/** All of standard input, once: only one input may be "-". */
export async function readStdin(): Promise<Buffer> {
  if (stdinRead) throw new Error('Only one input can be read from standard input ("-")');
  stdinRead = true;
  return buffer(process.stdin);
}
