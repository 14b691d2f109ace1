import { describe, expect, it } from 'vitest';
import { displacementLuma } from '../../../src/engine/mockup/displacement.js';
import type { Raster } from '../../../src/engine/raster.js';

const grey = (width: number, height: number, value: (x: number, y: number) => number): Raster => {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(value(x, y), (y * width + x) * 3, (y * width + x + 1) * 3);
  return { width, height, channels: 3, data };
};

/** The step written out plainly: both passes per pixel with clamped indices, summed in tap order. */
function reference(luma: Uint8Array, width: number, height: number, blur: number): { bytes: number[]; floats: number[] } {
  const radius = Math.ceil(3 * blur);
  const raw = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * blur * blur)));
  const total = raw.reduce((a, b) => a + b, 0);
  const taps = raw.map((w) => w / total);
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  const across: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      taps.forEach((w, k) => (sum += w * luma[y * width + clamp(x + k - radius, width)]!));
      across.push(sum);
    }
  const floats: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let sum = 0;
      taps.forEach((w, k) => (sum += w * across[clamp(y + k - radius, height) * width + x]!));
      floats.push(sum);
    }
  return { floats, bytes: floats.map((v) => Math.floor(v + 0.5)) };
}

describe('displacementLuma', () => {
  it.each([
    // [r, g, b, a] → Pillow's (19595 R + 38470 G + 7471 B + 0x8000) >> 16
    [[255, 0, 0, 255], 76],
    [[0, 255, 0, 255], 150],
    [[0, 0, 255, 255], 29],
    [[128, 64, 32, 255], 79],
    [[255, 255, 255, 255], 255],
    // alpha ignored: not flattened onto black as a mask is
    [[255, 255, 255, 0], 255],
    [[0, 255, 0, 17], 150],
  ])('takes the luma of %j as Pillow does: %d', (pixel, expected) => {
    const rgbaMap: Raster = { width: 1, height: 1, channels: 4, data: Uint8Array.from(pixel) };
    const rgbMap: Raster = { width: 1, height: 1, channels: 3, data: Uint8Array.from(pixel.slice(0, 3)) };
    expect([...displacementLuma(rgbaMap, 0)]).toEqual([expected]);
    expect([...displacementLuma(rgbMap, 0)]).toEqual([expected]);
  });

  it.each([0, 0.5, 1, 2, 3.7, 10])('keeps a flat 128 map at 128 with blur %s', (blur) => {
    const rgb = grey(7, 5, () => 128);
    expect([...displacementLuma(rgb, blur)]).toEqual(new Array(35).fill(128));
    const rgba: Raster = { width: 7, height: 5, channels: 4, data: new Uint8Array(140).map((_, i) => (i % 4 === 3 ? (i * 37) % 256 : 128)) };
    expect([...displacementLuma(rgba, blur)]).toEqual(new Array(35).fill(128));
  });

  it('returns the luma itself at a blur so small that its variance underflows', () => {
    const map: Raster = { width: 3, height: 1, channels: 3, data: Uint8Array.from([0, 0, 0, 255, 255, 255, 10, 20, 30]) };
    expect([...displacementLuma(map, 1e-200)]).toEqual([...displacementLuma(map, 0)]);
  });

  it('returns the luma itself at blur 0', () => {
    const map: Raster = { width: 4, height: 2, channels: 3, data: Uint8Array.from({ length: 24 }, (_, i) => (i * 53) % 256) };
    const luma = Array.from({ length: 8 }, (_, p) => {
      const [r, g, b] = [map.data[p * 3]!, map.data[p * 3 + 1]!, map.data[p * 3 + 2]!];
      return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    });
    expect([...displacementLuma(map, 0)]).toEqual(luma);
  });

  it('spreads a single bright pixel symmetrically with the normalised kernel', () => {
    const size = 15;
    const centre = 7;
    const map = grey(size, size, (x, y) => (x === centre && y === centre ? 255 : 0));
    const luma = new Uint8Array(size * size);
    luma[centre * size + centre] = 255;
    for (const blur of [1, 1.5, 2]) {
      const out = [...displacementLuma(map, blur)];
      const { bytes, floats } = reference(luma, size, size, blur);
      expect(out).toEqual(bytes);
      // Normalised: nothing gained or lost while the kernel stays inside the image.
      expect(floats.reduce((a, b) => a + b, 0)).toBeCloseTo(255, 9);
      const at = (x: number, y: number) => out[y * size + x]!;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          expect(at(x, y)).toBe(at(size - 1 - x, y));
          expect(at(x, y)).toBe(at(x, size - 1 - y));
          expect(at(x, y)).toBe(at(y, x));
        }
    }
    // blur 1, radius 3: the centre keeps 255·w0², w0 = 1/(1 + 2(e^−0.5 + e^−2 + e^−4.5)) = 0.39905…: 40.61 → 41.
    const out = displacementLuma(map, 1);
    expect(out[centre * size + centre]).toBe(41);
    expect(out[centre * size + centre + 4]).toBe(0);
  });

  it('clamps at the edges: a bright border column is extended outwards, not faded into black', () => {
    // blur 1: column c gets 255·(w_c + … + w_3): (1.75297, 0.75297, 0.14644, 0.01111)/2.50595 → 178.38, 76.62, 14.90, 1.13
    const expected = [178, 77, 15, 1, 0, 0, 0, 0];
    const left = displacementLuma(grey(8, 3, (x) => (x === 0 ? 255 : 0)), 1);
    expect([...left]).toEqual([...expected, ...expected, ...expected]);
    const right = displacementLuma(grey(8, 3, (x) => (x === 7 ? 255 : 0)), 1);
    const mirrored = [...expected].reverse();
    expect([...right]).toEqual([...mirrored, ...mirrored, ...mirrored]);
    const top = displacementLuma(grey(3, 8, (_, y) => (y === 0 ? 255 : 0)), 1);
    expect([...top]).toEqual(expected.flatMap((v) => [v, v, v]));
  });

  it('matches the plain reference on a busy image with a kernel wider than the image', () => {
    const width = 9;
    const height = 6;
    const map: Raster = { width, height, channels: 3, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 97 + ((i * i) % 13)) % 256) };
    const luma = displacementLuma(map, 0);
    for (const blur of [0.3, 1, 2.5, 4]) expect([...displacementLuma(map, blur)]).toEqual(reference(luma, width, height, blur).bytes);
  });
});
