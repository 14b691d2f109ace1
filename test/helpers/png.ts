import { crc32, deflateSync } from 'node:zlib';

/**
 * PNG filtering as the spec writes it (PNG spec, section 9), byte by byte: the
 * oracle for the WebAssembly unfilter kernel, and a writer of test PNGs whose
 * filter types, chunks and IDAT split the tests choose.
 */

export const FILTER_TYPES = [0, 1, 2, 3, 4] as const;

export function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The filter's prediction of byte i of row y, from the unfiltered bytes to its left, above and above-left. */
function prediction(filter: number, pixels: Uint8Array, rowBytes: number, bpp: number, y: number, i: number): number {
  const a = i >= bpp ? pixels[y * rowBytes + i - bpp]! : 0;
  const b = y > 0 ? pixels[(y - 1) * rowBytes + i]! : 0;
  const c = y > 0 && i >= bpp ? pixels[(y - 1) * rowBytes + i - bpp]! : 0;
  switch (filter) {
    case 0: return 0;
    case 1: return a;
    case 2: return b;
    case 3: return (a + b) >> 1;
    case 4: return paethPredictor(a, b, c);
    default: throw new Error(`no filter type ${filter}`);
  }
}

/** Unfilters rows of [type, ...rowBytes filtered bytes] into packed rows. */
export function unfilterReference(filtered: Uint8Array, rowBytes: number, bpp: number): Uint8Array {
  const rows = filtered.length / (rowBytes + 1);
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const filter = filtered[y * (rowBytes + 1)]!;
    for (let i = 0; i < rowBytes; i++) out[y * rowBytes + i] = (filtered[y * (rowBytes + 1) + 1 + i]! + prediction(filter, out, rowBytes, bpp, y, i)) & 0xff;
  }
  return out;
}

/** Filters packed rows, row y with filters[y % filters.length]. */
function filterReference(pixels: Uint8Array, rowBytes: number, bpp: number, filters: readonly number[]): Uint8Array {
  const rows = pixels.length / rowBytes;
  const out = new Uint8Array(rows * (rowBytes + 1));
  for (let y = 0; y < rows; y++) {
    const filter = filters[y % filters.length]!;
    out[y * (rowBytes + 1)] = filter;
    for (let i = 0; i < rowBytes; i++) out[y * (rowBytes + 1) + 1 + i] = (pixels[y * rowBytes + i]! - prediction(filter, pixels, rowBytes, bpp, y, i)) & 0xff;
  }
  return out;
}

export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

export interface TestPng {
  readonly width: number;
  readonly height: number;
  /** 3 (colour type 2) or 4 (colour type 6). */
  readonly channels: 3 | 4;
  readonly pixels: Uint8Array;
  /** Filter types, cycled over the rows (default: all five). */
  readonly filters?: readonly number[];
  /** Chunks between IHDR and the first IDAT. */
  readonly chunks?: readonly Buffer[];
  /** How many IDAT chunks the zlib stream is split into (default 1). */
  readonly idatParts?: number;
}

export const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

export function pngHeader(width: number, height: number, depth: number, colourType: number, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([depth, colourType, 0, 0, interlace], 8);
  return pngChunk('IHDR', data);
}

/** An 8-bit RGB or RGBA PNG, filtered as asked. */
export function writePng(png: TestPng): Buffer {
  const rowBytes = png.width * png.channels;
  const stream = deflateSync(filterReference(png.pixels, rowBytes, png.channels, png.filters ?? FILTER_TYPES));
  const parts = png.idatParts ?? 1;
  const step = Math.ceil(stream.length / parts);
  const idat = Array.from({ length: parts }, (_, i) => pngChunk('IDAT', stream.subarray(i * step, (i + 1) * step)));
  return Buffer.concat([PNG_SIGNATURE, pngHeader(png.width, png.height, 8, png.channels === 4 ? 6 : 2), ...(png.chunks ?? []), ...idat, pngChunk('IEND')]);
}
