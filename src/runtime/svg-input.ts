import { constants, gunzipSync } from 'node:zlib';
import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from './settings.js';
import type { SvgPolicyOptions } from './svg-policy.js';

/**
 * Whether an input is SVG, and what a render does with one. The policy that
 * reads an SVG (svg-policy.ts, with its XML parser) is loaded the first time
 * an SVG arrives: the renders that take none keep the heap they had.
 */

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * The leading bytes of the raster formats libvips tries before SVG. Where
 * their loader declines (a broken TIFF, an unknown ftyp brand), librsvg cannot
 * read them either: no XML document starts so.
 */
function isRaster(b: Uint8Array): boolean {
  const ascii = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 12)).toString('latin1');
  return (
    (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
    ascii.startsWith('\x89PNG') ||
    ascii.startsWith('GIF8') ||
    (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') ||
    ascii.startsWith('II*\0') ||
    ascii.startsWith('MM\0*') ||
    ascii.slice(4, 8) === 'ftyp'
  );
}

/** Whether `<svg` occurs, in any case, in `bytes`: libvips' own test of a buffer. */
function hasSvgTag(bytes: Uint8Array): boolean {
  for (let at = bytes.indexOf(0x3c); at >= 0 && at + 3 < bytes.length; at = bytes.indexOf(0x3c, at + 1)) {
    if ((bytes[at + 1]! | 0x20) === 0x73 && (bytes[at + 2]! | 0x20) === 0x76 && (bytes[at + 3]! | 0x20) === 0x67) return true;
  }
  return false;
}

/** XML text: an optional BOM and whitespace, then `<?xml`, `<svg`, `<!--` or `<!doctype`. */
const XML_START = /^(\xef\xbb\xbf)?\s*<(\?xml|svg|!--|!doctype)/i;

/**
 * Whether libvips would read `bytes` as SVG (or they are XML text): SVGZ by
 * its inflated start, else anything with `<svg` that no raster format claims.
 */
export function isSvg(bytes: Uint8Array): boolean {
  if (isGzip(bytes)) {
    try {
      // A bounded start: libvips itself looks only at the first kilobyte inflated.
      const start = gunzipSync(bytes.subarray(0, 1024), { finishFlush: constants.Z_SYNC_FLUSH });
      return hasSvgTag(start.subarray(0, 4096)) || XML_START.test(start.toString('latin1', 0, 256));
    } catch {
      return false;
    }
  }
  if (isRaster(bytes)) return false;
  return XML_START.test(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 256)).toString('latin1')) || hasSvgTag(bytes);
}

/** The refusal of any SVG where SVG is off. */
function svgOffError(field: string, names?: SettingNames): SuperimposeError {
  return new SuperimposeError(
    'unsupported_input',
    `Expected a jpeg, png, webp, gif, tiff or avif image for ${field} but received SVG, which this server does not take (${settingName(names, 'svgInput')} is off)`,
    { field },
  );
}

interface SvgInputOptions extends SvgPolicyOptions {
  /** Whether SVG is taken at all: the server's switch; the library and the CLI pass 'on'. */
  readonly svg: 'on' | 'off';
  readonly names?: SettingNames | undefined;
}

/** The renderer's one call, on each input's bytes before decoding: anything but SVG passes; SVG is refused when off, else checked. */
export async function checkSvgInput(bytes: Buffer, field: string, options: SvgInputOptions): Promise<void> {
  if (!isSvg(bytes)) return;
  if (options.svg === 'off') throw svgOffError(field, options.names);
  const { checkSvgPolicy } = await import('./svg-policy.js');
  checkSvgPolicy(bytes, field, options);
}
