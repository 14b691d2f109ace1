import { describe, expect, it } from 'vitest';
import { align16, loadKernels } from '../../../src/engine/wasm/kernels.js';
import { itMatchesReference, randomCases } from '../../helpers/kernel-cases.js';
import { paethPredictor, unfilterReference } from '../../helpers/png.js';
import { random } from '../../helpers/random.js';

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

/** Runs rgb_to_rgba on `rgb`; gives its output. */
function widenKernel(rgb: Uint8Array): Uint8Array {
  const kernels = loadKernels();
  const count = rgb.length / 3;
  const input = kernels.scratchStart;
  const output = align16(input + rgb.length + 4);
  const { bytes } = kernels.reserve(output + count * 4 - input);
  bytes.set(rgb, input);
  kernels.rgbToRgba(input, count, output);
  return bytes.slice(output, output + count * 4);
}

/** RGB to opaque RGBA, a byte at a time. */
const widenReference = (rgb: Uint8Array): Uint8Array => Uint8Array.from({ length: (rgb.length / 3) * 4 }, (_, i) => (i % 4 === 3 ? 255 : rgb[(i >> 2) * 3 + (i % 4)]!));

/** Rows of RGBA pixels, in pairs, that make png_unfilter meet every (left, above, upper-left) triple with upper-left `c`. */
function paethRows(c: number): { filtered: Uint8Array; wanted: Uint8Array; rowBytes: number } {
  // Pairs of rows, 512 RGBA pixels wide: an unfiltered row alternating c, b and
  // a Paeth row whose even pixels come out as a = 0..255, so that each odd pixel
  // predicts from (a, b, c). Every lane is its own channel, with its own b.
  const width = 512;
  const rowBytes = width * 4;
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
  return { filtered, wanted, rowBytes };
}

describe('png_unfilter WebAssembly kernel', () => {
  itMatchesReference([
    {
      name: 'gives the Paeth predictor of the spec for every (left, above, upper-left) triple',
      *cases() {
        for (let c = 0; c < 256; c++) {
          const { filtered, wanted, rowBytes } = paethRows(c);
          yield { label: { c }, kernel: () => unfilterKernel(filtered, rowBytes, 4).out, reference: () => wanted };
        }
      },
    },
    {
      name: 'gives the reference bytes for every filter type, RGB and RGBA, on 600 random images',
      cases: () =>
        randomCases(20261121, 600, (next, round) => {
          const bpp = round % 2 === 0 ? 3 : 4;
          const width = 1 + Math.floor(next() * 70);
          const rowBytes = width * bpp;
          const height = 1 + Math.floor(next() * 9);
          const filtered = new Uint8Array(height * (rowBytes + 1));
          for (let i = 0; i < filtered.length; i++) filtered[i] = Math.floor(next() * 256);
          for (let y = 0; y < height; y++) filtered[y * (rowBytes + 1)] = Math.floor(next() * 5);
          return {
            label: { bpp, width, height },
            kernel: () => {
              const { rows, out } = unfilterKernel(filtered, rowBytes, bpp);
              expect({ round, rows }, 'rows unfiltered').toEqual({ round, rows: height });
              return out;
            },
            reference: () => unfilterReference(filtered, rowBytes, bpp),
          };
        }),
    },
  ]);

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
  itMatchesReference([
    {
      name: 'widens RGB to opaque RGBA for 0 to 40 pixels',
      *cases() {
        const next = random(5);
        for (let count = 0; count <= 40; count++) {
          const rgb = Uint8Array.from({ length: count * 3 }, () => Math.floor(next() * 256));
          yield { label: { count }, kernel: () => widenKernel(rgb), reference: () => widenReference(rgb) };
        }
      },
    },
  ]);
});
