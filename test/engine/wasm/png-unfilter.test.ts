import { describe, expect, it } from 'vitest';
import { align16, loadKernels } from '../../../src/engine/wasm/kernels.js';
import { paethPredictor, unfilterReference } from '../../helpers/png.js';
import { firstDifference, random } from '../../helpers/random.js';

/** Runs png_unfilter on `filtered` rows below a zero row; gives its row count and output. */
function unfilterKernel(filtered: Uint8Array, rowBytes: number, bpp: number): { rows: number; out: Uint8Array } {
  const kernels = loadKernels();
  const rows = filtered.length / (rowBytes + 1);
  const above = kernels.scratchStart;
  const input = align16(above + rowBytes + 4);
  const output = align16(input + filtered.length + 4);
  const { bytes } = kernels.reserve(output + rows * rowBytes + 4 - above);
  bytes.fill(0, above, above + rowBytes);
  bytes.set(filtered, input);
  const done = kernels.pngUnfilter(input, output, above, rows, rowBytes, bpp);
  return { rows: done, out: bytes.slice(output, output + rows * rowBytes) };
}

describe('png_unfilter WebAssembly kernel', () => {
  it('gives the Paeth predictor of the spec for every (left, above, upper-left) triple', () => {
    // Pairs of rows, 512 RGBA pixels wide: an unfiltered row alternating c, b and
    // a Paeth row whose even pixels come out as a = 0..255, so that each odd pixel
    // predicts from (a, b, c). Every lane is its own channel, with its own b.
    const width = 512;
    const rowBytes = width * 4;
    for (let c = 0; c < 256; c++) {
      const filtered = new Uint8Array(2 * 64 * (rowBytes + 1));
      const wanted = new Uint8Array(2 * 64 * rowBytes);
      for (let group = 0; group < 64; group++) {
        const top = 2 * group * rowBytes;
        const bottom = top + rowBytes;
        for (let x = 0; x < width; x++) {
          for (let lane = 0; lane < 4; lane++) {
            wanted[top + x * 4 + lane] = x % 2 === 0 ? c : group * 4 + lane;
            wanted[bottom + x * 4 + lane] = x % 2 === 0 ? x / 2 : (x * 31 + lane * 17 + c) & 0xff;
          }
        }
        const rowAt = 2 * group * (rowBytes + 1);
        filtered.set(wanted.subarray(top, bottom), rowAt + 1); // filter type 0
        filtered[rowAt + rowBytes + 1] = 4;
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= 4 ? wanted[bottom + i - 4]! : 0;
          const upperLeft = i >= 4 ? wanted[top + i - 4]! : 0;
          filtered[rowAt + rowBytes + 2 + i] = (wanted[bottom + i]! - paethPredictor(a, wanted[top + i]!, upperLeft)) & 0xff;
        }
      }
      const { out } = unfilterKernel(filtered, rowBytes, 4);
      const at = firstDifference(out, wanted);
      if (at !== -1) expect({ c, at, got: out[at], wanted: wanted[at] }).toBe('no difference');
    }
  });

  it('gives the reference bytes for every filter type, RGB and RGBA, on 600 random images', () => {
    const next = random(20261121);
    for (let round = 0; round < 600; round++) {
      const bpp = round % 2 === 0 ? 3 : 4;
      const width = 1 + Math.floor(next() * 70);
      const rowBytes = width * bpp;
      const height = 1 + Math.floor(next() * 9);
      const filtered = new Uint8Array(height * (rowBytes + 1));
      for (let i = 0; i < filtered.length; i++) filtered[i] = Math.floor(next() * 256);
      for (let y = 0; y < height; y++) filtered[y * (rowBytes + 1)] = Math.floor(next() * 5);
      const { rows, out } = unfilterKernel(filtered, rowBytes, bpp);
      const at = firstDifference(out, unfilterReference(filtered, rowBytes, bpp));
      expect({ round, bpp, width, height, rows, at }).toEqual({ round, bpp, width, height, rows: height, at: -1 });
    }
  });

  it('stops at a row that names a filter type over 4, and says how many rows it did', () => {
    const rowBytes = 6;
    const filtered = new Uint8Array(4 * (rowBytes + 1)).fill(1);
    filtered[2 * (rowBytes + 1)] = 5;
    expect(unfilterKernel(filtered, rowBytes, 3).rows).toBe(2);
    filtered[0] = 255;
    expect(unfilterKernel(filtered, rowBytes, 3).rows).toBe(0);
  });
});

describe('rgb_to_rgba WebAssembly kernel', () => {
  it('widens RGB to opaque RGBA for 0 to 40 pixels', () => {
    const next = random(5);
    const kernels = loadKernels();
    for (let count = 0; count <= 40; count++) {
      const rgb = Uint8Array.from({ length: count * 3 }, () => Math.floor(next() * 256));
      const input = kernels.scratchStart;
      const output = align16(input + rgb.length + 4);
      const { bytes } = kernels.reserve(output + count * 4 - input);
      bytes.set(rgb, input);
      kernels.rgbToRgba(input, count, output);
      const wanted = new Uint8Array(count * 4);
      for (let i = 0; i < count; i++) wanted.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
      expect(firstDifference(bytes.subarray(output, output + count * 4), wanted), `${count} pixels`).toBe(-1);
    }
  });
});
