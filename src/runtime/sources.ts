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

/** Longer strings cannot name a file (PATH_MAX on Linux), so they are only ever base64. */
const MAX_PATH_LENGTH = 4096;

const ascii = (bytes: Buffer, start: number, end: number): string => bytes.toString('latin1', start, end);

/** The leading signatures of the formats the decoder reads: a string that decodes to none of them was not meant as base64. */
const IMAGE_SIGNATURES: readonly ((bytes: Buffer) => boolean)[] = [
  (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff, // JPEG
  (b) => ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n',
  (b) => ascii(b, 0, 4) === 'GIF8',
  (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP',
  (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*', // TIFF
  (b) => ascii(b, 4, 8) === 'ftyp', // ISO-BMFF: AVIF, HEIF
  (b) => /^(\xef\xbb\xbf)?\s*<(\?xml|svg|!--|!doctype)/i.test(ascii(b, 0, 256)), // SVG, XML text
];

const looksLikeImage = (bytes: Buffer): boolean => IMAGE_SIGNATURES.some((matches) => matches(bytes));

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
  if (!options.allowFiles || text === '' || text.length >= MAX_PATH_LENGTH) return decodeBase64(text, field, options.allowFiles);
  const kind = await pathKind(text);
  if (kind === 'file') return readImageFile(text, field);
  if (kind === 'folder') throw new SuperimposeError('unreadable_input', `Expected an image file for ${field} but ${text} is a folder`, { field });
  // Not a file: real base64 of an image is still taken. A short name such as "logo" is
  // also valid base64, so bytes that start like no image mean a file that is not there.
  const compact = text.replace(/\s+/g, '');
  const bytes = BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
  if (bytes && looksLikeImage(bytes)) return bytes;
  throw new SuperimposeError('unreadable_input', `no such file: ${text} (${field}: expected an existing file path, base64, a data: URI or an http(s) URL)`, { field });
}

function parseUrl(text: string, field: string): URL {
  try {
    return new URL(text);
  } catch (cause) {
    throw new SuperimposeError('invalid_image', `Expected a valid http(s) URL for ${field} but received ${describeValue(text)}`, { field, cause });
  }
}

/** What a path names, if anything. */
export async function pathKind(path: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    const found = await stat(path);
    return found.isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
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
    throw new SuperimposeError('invalid_image', `Expected ${what} for ${field} but received ${describeValue(text)}`, { field });
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
