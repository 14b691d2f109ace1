import { constants } from 'node:buffer';
import { crc32, inflate } from 'node:zlib';
import { checkDeadline, type Deadline } from './deadline.js';
import type { Raster } from './raster.js';
import { align16, loadKernels } from './wasm/kernels.js';

/**
 * A PNG decoder for the common case, 8-bit RGB or RGBA without interlacing,
 * that gives libvips' pixels with less work: zlib inflates on the libuv pool,
 * and the WebAssembly kernels unfilter the rows in place. Anything else, or
 * anything it doubts, it leaves to libvips by returning undefined, so that
 * libvips also gives the errors.
 */

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Ancillary chunks that libvips keeps as metadata without changing the pixels
 * it decodes (ICC profiles are not applied here either); test/engine/png.test.ts
 * holds each to sharp. Any other chunk (eXIf's orientation, APNG's frames,
 * tRNS, a suggested palette) sends the file to libvips.
 */
const METADATA_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'pHYs', 'tIME', 'iCCP', 'sRGB', 'gAMA', 'cHRM', 'sBIT', 'bKGD']);

/** Filtered bytes unfiltered per kernel call. */
const STRIP_BYTES = 1 << 20;
/** Wider rows go to libvips, which keeps a strip's kernel scratch within the shared area's 8 MB. */
export const MAX_ROW_BYTES = 1 << 20;

export interface PngLayout {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA) bytes a pixel. */
  readonly bpp: 3 | 4;
  /** The IDAT chunks' data: one zlib stream. */
  readonly compressed: readonly Uint8Array[];
}

/**
 * The layout of a PNG this decoder takes: 8-bit RGB or RGBA, not interlaced,
 * chunks in order with their CRCs right, nothing after IEND, and no chunk
 * outside METADATA_CHUNKS. Else undefined.
 */
export function readPngLayout(bytes: Uint8Array): PngLayout | undefined {
  if (bytes.length < 8 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const compressed: Uint8Array[] = [];
  let header: { width: number; height: number; bpp: 3 | 4 } | undefined;
  let idatEnded = false;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return undefined;
    if (!header) {
      header = type === 'IHDR' ? readHeader(data) : undefined;
      if (!header) return undefined;
    } else if (type === 'IDAT') {
      if (idatEnded) return undefined;
      compressed.push(data);
    } else if (type === 'IEND') {
      return end === bytes.length && length === 0 && compressed.length > 0 ? { ...header, compressed } : undefined;
    } else if (METADATA_CHUNKS.has(type)) {
      idatEnded = compressed.length > 0; // IDATs must be consecutive
    } else {
      return undefined;
    }
    at = end;
  }
  return undefined;
}

/** 8-bit (depth 8), RGB or RGBA (colour type 2 or 6), zlib, filter method 0, no interlace. */
function readHeader(data: Uint8Array): { width: number; height: number; bpp: 3 | 4 } | undefined {
  if (data.length !== 13) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, 13);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colourType, compression, filter, interlace] = data.subarray(8);
  if (width === 0 || height === 0 || width * 4 > MAX_ROW_BYTES || depth !== 8 || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  if (colourType === 2) return { width, height, bpp: 3 };
  if (colourType === 6) return { width, height, bpp: 4 };
  return undefined;
}

/**
 * Decodes an 8-bit RGB or RGBA PNG to a raster (RGB stays RGB unless
 * `ensureAlpha`), or gives undefined for libvips to decode it: every other PNG,
 * one over `maxPixels`, or one whose data does not inflate to exactly its rows.
 */
export async function decodePng(bytes: Uint8Array, ensureAlpha: boolean, maxPixels: number, deadline?: Deadline, field = ''): Promise<Raster | undefined> {
  const layout = readPngLayout(bytes);
  if (!layout || layout.width * layout.height > maxPixels) return undefined;
  const rowBytes = layout.width * layout.bpp;
  const expected = layout.height * (rowBytes + 1);
  // Past Node's largest buffer, the file goes to libvips like the others this decoder does not take.
  if (layout.width * layout.height * 4 > constants.MAX_LENGTH || expected >= constants.MAX_LENGTH) return undefined;
  const compressed = Buffer.concat(layout.compressed);
  let inflated: Inflated;
  try {
    // One output buffer a little larger than the rows (zlib's least is 64 bytes),
    // so that zlib fills it in one pass and excess data shows; and no more than
    // that, so that a stream inflating far past its rows (a bomb) stops there.
    inflated = await inflateWhole(compressed, Math.max(64, expected + 1));
  } catch {
    return undefined; // a corrupt stream: libvips will say so
  }
  if (inflated.buffer.length !== expected || inflated.engine.bytesWritten !== compressed.length) return undefined;
  return unfilter(inflated.buffer, layout, ensureAlpha ? 4 : layout.bpp, () => checkDeadline(deadline, 'decoding a PNG', field));
}

/** What zlib gives with `info: true`: the output, and the engine, which counts the input bytes it consumed. */
interface Inflated {
  readonly buffer: Buffer;
  readonly engine: { readonly bytesWritten: number };
}

function inflateWhole(compressed: Buffer, chunkSize: number): Promise<Inflated> {
  return new Promise((resolve, reject) => {
    // Node's types give the callback a Buffer, whatever `info` says.
    inflate(compressed, { chunkSize, maxOutputLength: chunkSize, info: true }, (error, result) => (error ? reject(error) : resolve(result as unknown as Inflated)));
  });
}

/**
 * Unfilters the inflated rows in strips through the shared kernel scratch
 * area, laid out as [the row above | the strip's filtered rows | the same
 * unfiltered | those in RGBA]. The rows go back into `inflated`, packed, since
 * row r's result ends before row r + 1's filtered bytes begin; only RGB
 * widened to RGBA needs a buffer of its own. Undefined if a row names a filter
 * type that does not exist. `checkTime` runs between strips, to stop at a deadline.
 */
function unfilter(inflated: Buffer, layout: PngLayout, channels: 3 | 4, checkTime: () => void): Raster | undefined {
  const { width, height, bpp } = layout;
  const rowBytes = width * bpp;
  const outRowBytes = width * channels;
  const out = channels === bpp ? inflated : Buffer.allocUnsafeSlow(height * outRowBytes);
  const stripRows = Math.max(1, Math.floor(STRIP_BYTES / (rowBytes + 1)));
  const kernels = loadKernels();
  const above = kernels.scratchStart;
  const filtered = align16(above + rowBytes + 4);
  const unfiltered = align16(filtered + stripRows * (rowBytes + 1) + 4);
  const expanded = align16(unfiltered + stripRows * rowBytes + 4);
  const { bytes } = kernels.reserve(expanded + (channels === bpp ? 0 : stripRows * outRowBytes) - above);
  bytes.fill(0, above, above + rowBytes);
  for (let first = 0; first < height; first += stripRows) {
    checkTime();
    const rows = Math.min(stripRows, height - first);
    bytes.set(inflated.subarray(first * (rowBytes + 1), (first + rows) * (rowBytes + 1)), filtered);
    if (kernels.pngUnfilter(filtered, unfiltered, above, rows, rowBytes, bpp) !== rows) return undefined;
    bytes.copyWithin(above, unfiltered + (rows - 1) * rowBytes, unfiltered + rows * rowBytes);
    let result = unfiltered;
    if (channels !== bpp) {
      kernels.rgbToRgba(unfiltered, rows * width, expanded);
      result = expanded;
    }
    out.set(bytes.subarray(result, result + rows * outRowBytes), first * outRowBytes);
  }
  return { width, height, channels, data: new Uint8Array(out.buffer, out.byteOffset, height * outRowBytes) };
}
