import { describe, expect, it } from 'vitest';
import { BLEND_MODES, blendChannel, blendInto, type BlendMode } from '../../../src/engine/mockup/blend.js';
import type { Raster } from '../../../src/engine/raster.js';

/** One premultiplied RGBA float sample per [r, g, b, α] (straight colour in, premultiplied out). */
const samples = (...pixels: (readonly [number, number, number, number])[]): Float32Array =>
  Float32Array.from(pixels.flatMap(([r, g, b, a]) => [r * a, g * a, b * a, a]));

const raster = (width: number, height: number, channels: 3 | 4, bytes: readonly number[]): Raster => ({ width, height, channels, data: Uint8Array.from(bytes) });

const strip = (width: number, source: readonly [number, number, number, number]): Float32Array => samples(...new Array<typeof source>(width).fill(source));

describe('blendChannel', () => {
  // [mode, cb, cs, B(cb, cs)], worked by hand from the specification's formulas
  const table: [BlendMode, number, number, number][] = [
    ['normal', 0.3, 0.6, 0.6],
    ['multiply', 0.5, 0.5, 0.25],
    ['multiply', 0.8, 1, 0.8],
    ['screen', 0.5, 0.5, 0.75],
    ['screen', 0.2, 0, 0.2],
    // overlay = HardLight(Cs, Cb): decided by the backdrop
    ['overlay', 0.25, 0.5, 0.25], // multiply(0.5, 0.5)
    ['overlay', 0.5, 0.8, 0.8], // Cb = 0.5 takes the multiply branch: multiply(0.8, 1)
    ['overlay', 0.75, 0.5, 0.75], // screen(0.5, 0.5)
    ['darken', 0.3, 0.6, 0.3],
    ['lighten', 0.3, 0.6, 0.6],
    ['color-dodge', 0, 1, 0], // Cb = 0 wins over Cs = 1
    ['color-dodge', 0, 0.5, 0],
    ['color-dodge', 0.5, 1, 1],
    ['color-dodge', 0.25, 0.5, 0.5], // 0.25 / 0.5
    ['color-dodge', 0.75, 0.5, 1], // min(1, 1.5)
    ['color-burn', 1, 0, 1], // Cb = 1 wins over Cs = 0
    ['color-burn', 1, 0.5, 1],
    ['color-burn', 0.5, 0, 0],
    ['color-burn', 0.75, 0.5, 0.5], // 1 − 0.25 / 0.5
    ['color-burn', 0.25, 0.5, 0], // 1 − min(1, 1.5)
    ['hard-light', 0.5, 0.25, 0.25], // multiply(0.5, 0.5)
    ['hard-light', 0.3, 0.5, 0.3], // Cs = 0.5 takes the multiply branch: multiply(0.3, 1)
    ['hard-light', 0.5, 0.75, 0.75], // screen(0.5, 0.5)
    ['soft-light', 0.5, 0.25, 0.375], // 0.5 − 0.5 · 0.5 · 0.5
    ['soft-light', 0.3, 0.5, 0.3], // Cs = 0.5: the first branch with factor 0
    ['soft-light', 0.25, 0.75, 0.375], // D(0.25) = ((4 − 12) · 0.25 + 4) · 0.25 = 0.5; 0.25 + 0.5 · 0.25
    ['soft-light', 0.125, 1, 0.34375], // D(0.125) = ((2 − 12) · 0.125 + 4) · 0.125
    ['soft-light', 0.64, 1, 0.8], // D = √0.64
    ['soft-light', 0.64, 0.75, 0.72], // 0.64 + 0.5 · 0.16
    ['difference', 0.25, 0.75, 0.5],
    ['difference', 0.75, 0.25, 0.5],
    ['exclusion', 0.5, 0.5, 0.5],
    ['exclusion', 0.25, 0.75, 0.625], // 1 − 2 · 0.1875
  ];

  it.each(table)('%s(Cb %s, Cs %s) = %s', (mode, cb, cs, expected) => {
    expect(blendChannel(mode, cb, cs)).toBeCloseTo(expected, 14);
  });

  it('has a row for every mode', () => {
    expect(new Set(table.map(([mode]) => mode))).toEqual(new Set(BLEND_MODES));
  });
});

describe('blendInto', () => {
  it('replaces the base with an opaque normal source, inside the rectangle only', () => {
    const rgb = raster(2, 2, 3, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    blendInto(rgb, { x: 1, y: 0, width: 1, height: 2 }, samples([1, 0, 0.5, 1], [0.25, 0.75, 0, 1]), 'normal');
    // 0.5 · 255 = 127.5 → 128; 0.25 · 255 = 63.75 → 64
    expect([...rgb.data]).toEqual([10, 20, 30, 255, 0, 128, 70, 80, 90, 64, 191, 0]);

    const rgba = raster(2, 1, 4, [1, 2, 3, 4, 5, 6, 7, 77]);
    blendInto(rgba, { x: 1, y: 0, width: 1, height: 1 }, samples([1, 0, 0.5, 1]), 'normal');
    expect([...rgba.data]).toEqual([1, 2, 3, 4, 255, 0, 128, 255]);
  });

  it.each(BLEND_MODES)('leaves pixels of source alpha 0 untouched byte for byte (%s)', (mode) => {
    const bytes = [0, 0, 0, 0, 12, 34, 56, 0, 200, 100, 50, 128, 255, 255, 255, 255];
    const rgba = raster(4, 1, 4, bytes);
    // Colour without alpha too: it must not leak through.
    blendInto(rgba, { x: 0, y: 0, width: 4, height: 1 }, Float32Array.from([0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 1, 1, 1, 0, 0.2, 0.9, 0.4, 0]), mode);
    expect([...rgba.data]).toEqual(bytes);
    const rgb = raster(4, 1, 3, bytes.slice(0, 12));
    blendInto(rgb, { x: 0, y: 0, width: 4, height: 1 }, new Float32Array(16), mode);
    expect([...rgb.data]).toEqual(bytes.slice(0, 12));
  });

  describe('neutral modes on an opaque base leave every base value unchanged', () => {
    // Every value 0–255 in each channel, in a different order per channel.
    const values = Array.from({ length: 256 }, (_, v) => [v, 255 - v, (v * 7) % 256]);
    const cases: [BlendMode, readonly [number, number, number]][] = [
      ['multiply', [1, 1, 1]],
      ['screen', [0, 0, 0]],
      ['darken', [1, 1, 1]],
      ['lighten', [0, 0, 0]],
    ];
    it.each(cases)('%s with %j', (mode, colour) => {
      for (const alpha of [1, Math.fround(0.3), Math.fround(1 / 255)]) {
        const rgb = raster(256, 1, 3, values.flat());
        blendInto(rgb, { x: 0, y: 0, width: 256, height: 1 }, strip(256, [...colour, alpha]), mode);
        expect([...rgb.data]).toEqual(values.flat());
        const rgba = raster(256, 1, 4, values.flatMap((v) => [...v, 255]));
        blendInto(rgba, { x: 0, y: 0, width: 256, height: 1 }, strip(256, [...colour, alpha]), mode);
        expect([...rgba.data]).toEqual(values.flatMap((v) => [...v, 255]));
      }
    });
  });

  // Half-alpha source over an opaque base: Co = 0.5 · B(Cb, Cs) + 0.5 · Cb, in 255ths.
  const half: [BlendMode, number, number, number][] = [
    ['normal', 100, 0.75, 146], // 0.5 · 191.25 + 50 = 145.625
    ['multiply', 200, 0.5, 150], // 0.5 · 100 + 100
    ['screen', 100, 0.5, 139], // B = 127.5 + 50 = 177.5; 88.75 + 50 = 138.75
    ['overlay', 64, 0.75, 80], // Cb ≤ 0.5: B = 0.75 · 2Cb = 96; 48 + 32
    ['darken', 100, 0.25, 82], // B = 63.75; 31.875 + 50 = 81.875
    ['lighten', 100, 0.75, 146], // B = 191.25
    ['color-dodge', 100, 0.5, 150], // B = Cb / 0.5 = 200; 100 + 50
    ['color-burn', 200, 0.75, 191], // B = 255 − 55 / 0.75 = 181.67; 90.83 + 100 = 190.83
    ['hard-light', 100, 0.75, 139], // screen(Cb, 0.5) = 177.5; 88.75 + 50
    ['soft-light', 64, 1, 96], // Cb > 0.25: B = √(64/255) · 255 = 127.75; 63.875 + 32 = 95.875
    ['exclusion', 100, 0.25, 107], // B = 63.75 + 0.5 · 100 = 113.75; 56.875 + 50 = 106.875
    ['difference', 40, 0.75, 96], // B = 191.25 − 40 = 151.25; 75.625 + 20 = 95.625
  ];
  it.each(half)('%s: half-alpha Cs %s over %s → %s', (mode, base, cs, expected) => {
    const rgb = raster(1, 1, 3, [base, base, base]);
    blendInto(rgb, { x: 0, y: 0, width: 1, height: 1 }, samples([cs, cs, cs, 0.5]), mode);
    expect([...rgb.data]).toEqual([expected, expected, expected]);
    const rgba = raster(1, 1, 4, [base, base, base, 255]);
    blendInto(rgba, { x: 0, y: 0, width: 1, height: 1 }, samples([cs, cs, cs, 0.5]), mode);
    expect([...rgba.data]).toEqual([expected, expected, expected, 255]);
  });

  it.each(BLEND_MODES)('shows the source colour where the backdrop is transparent (%s)', (mode) => {
    // αb = 0: Cs' = Cs whatever B; with αs = 0.5, αo = 0.5 and Co = Cs.
    const rgba = raster(2, 1, 4, [10, 200, 30, 0, 10, 200, 30, 0]);
    blendInto(rgba, { x: 0, y: 0, width: 2, height: 1 }, samples([1, 0.5, 0.25, 1], [1, 0.5, 0.25, 0.5]), mode);
    expect([...rgba.data]).toEqual([255, 128, 64, 255, 255, 128, 64, 128]);
  });

  it('mixes source and blend by the backdrop alpha', () => {
    // multiply, white over black at αb = 128/255, opaque: Cs' = (127/255) · 1 + (128/255) · 0; αo = 1.
    const rgba = raster(1, 1, 4, [0, 0, 0, 128]);
    blendInto(rgba, { x: 0, y: 0, width: 1, height: 1 }, samples([1, 1, 1, 1]), 'multiply');
    expect([...rgba.data]).toEqual([127, 127, 127, 255]);
  });

  it('rounds halves up', () => {
    // Each lands exactly on .5 in float64: 0.5 · 1/255 · 255 = 0.5; 0.5 + 0.5 · 2/255 → 128.5; 0.5 · 255 = 127.5.
    const rgb = raster(3, 1, 3, [1, 1, 1, 2, 2, 2, 0, 0, 0]);
    blendInto(rgb, { x: 0, y: 0, width: 3, height: 1 }, samples([0, 0, 0, 0.5], [1, 1, 1, 0.5], [1, 1, 1, 0.5]), 'normal');
    expect([...rgb.data]).toEqual([1, 1, 1, 129, 129, 129, 128, 128, 128]);
    // Alpha: αs = 0.5 over a transparent backdrop gives αo · 255 = 127.5.
    const rgba = raster(1, 1, 4, [0, 0, 0, 0]);
    blendInto(rgba, { x: 0, y: 0, width: 1, height: 1 }, samples([0, 0, 0, 0.5]), 'normal');
    expect(rgba.data[3]).toBe(128);
  });
});
