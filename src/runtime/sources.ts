import { readFile, stat } from 'node:fs/promises';
import type { ImageSource } from '../contract/parameters.js';
import { describeValue, SuperimposeError } from '../contract/errors.js';

/** Fetches an http(s) image for a field; `signal` aborts it (the client went away). */
export type UrlLoader = (url: URL, field: string, signal?: AbortSignal) => Promise<Buffer>;

export interface ImageSourceOptions {
  /** Whether a string may name a local file. Never over HTTP. */
  readonly allowFiles: boolean;
  /** Absent: URL inputs are refused. */
  readonly loadUrl?: UrlLoader | undefined;
  readonly signal?: AbortSignal | undefined;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URI = /^data:([^,;]*)((?:;[^,;]*)*?)(;base64)?,/i;

/** Resolves an image field to its encoded bytes: bytes, data: URI, http(s) URL, file path or raw base64. */
export async function loadImageSource(source: ImageSource, field: string, options: ImageSourceOptions): Promise<Buffer> {
  const bytes = await loadBytes(source, field, options);
  if (bytes.length === 0) throw new SuperimposeError('invalid_image', `Expected an image for ${field} but received 0 bytes`, { field });
  return bytes;
}

async function loadBytes(source: ImageSource, field: string, options: ImageSourceOptions): Promise<Buffer> {
  if (typeof source !== 'string') return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const text = source.trim();
  if (/^data:/i.test(text)) return decodeDataUri(text, field);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    if (!options.loadUrl) {
      throw new SuperimposeError('unsupported_input', `URL inputs are not enabled here: expected base64${options.allowFiles ? ', a data: URI or a file path' : ' or a data: URI'} for ${field}`, { field });
    }
    return options.loadUrl(parseUrl(text, field), field, options.signal);
  }
  if (scheme) {
    throw new SuperimposeError('unsupported_input', `Expected an http(s) URL, a data: URI or base64 for ${field} but received a ${scheme}: URL`, { field });
  }
  if (options.allowFiles && text.length < 4096 && (await isFile(text))) return readImageFile(text, field);
  return decodeBase64(text, field, options.allowFiles);
}

function parseUrl(text: string, field: string): URL {
  try {
    return new URL(text);
  } catch (cause) {
    throw new SuperimposeError('invalid_image', `Expected a valid http(s) URL for ${field} but received ${describeValue(text)}`, { field, cause });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readImageFile(path: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new SuperimposeError('unreadable_input', `Could not read the file ${path} for ${field}: ${(cause as Error).message}`, { field, cause });
  }
}

function decodeBase64(text: string, field: string, allowFiles: boolean): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) {
    const what = allowFiles ? 'an existing file path, base64, a data: URI or an http(s) URL' : 'base64, a data: URI or an http(s) URL';
    const code = allowFiles && compact.length < 4096 ? 'unreadable_input' : 'invalid_image';
    throw new SuperimposeError(code, `Expected ${what} for ${field} but received ${describeValue(text)}`, { field });
  }
  return Buffer.from(compact, 'base64');
}

function decodeDataUri(text: string, field: string): Buffer {
  const match = DATA_URI.exec(text);
  if (!match) throw new SuperimposeError('invalid_image', `Expected a data: URI of the form data:<type>;base64,<data> for ${field} but received ${describeValue(text)}`, { field });
  const payload = text.slice(match[0].length);
  if (match[3]) return decodeBase64(payload, field, false);
  try {
    return Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch (cause) {
    throw new SuperimposeError('invalid_image', `Expected a percent-encoded data: URI for ${field} but it could not be decoded`, { field, cause });
  }
}
