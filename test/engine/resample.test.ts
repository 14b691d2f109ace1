import { describe, expect, it } from 'vitest';
import { toByte } from '../helpers/premultiplied.js';
import { areaWindows, linearTaps, nearestExactIndices, RESAMPLE_PLANNERS } from '../../src/engine/resample.js';
import { planOverlayResize } from '../../src/engine/resize-overlay.js';
import { wholeOf } from '../../src/engine/raster.js';
import { rgbaFromRows } from '../helpers/images.js';

const grey = (v: number, a = 255) => [v, v, v, a];

describe('per-axis tables', () => {
  it('nearest-exact 3 -> 2 takes source columns 0 and 2', () => {
    expect([...nearestExactIndices(3, 2)]).toEqual([0, 2]);
  });

  it('nearest-exact upscaling repeats by pixel centres', () => {
    expect([...nearestExactIndices(2, 5)]).toEqual([0, 0, 1, 1, 1]);
  });

  it('area 4 -> 3 averages columns {0,1}, {1,2}, {2,3}', () => {
    const { start, end } = areaWindows(4, 3);
    expect([...start]).toEqual([0, 1, 2]);
    expect([...end]).toEqual([2, 3, 4]);
  });

  it('bilinear 2 -> 4 samples at (i + 0.5)/2 − 0.5, clamped at the edges', () => {
    const taps = linearTaps(2, 4);
    expect([...taps.index0]).toEqual([0, 0, 0, 1]);
    expect([...taps.index1]).toEqual([1, 1, 1, 1]);
    expect([...taps.weight1]).toEqual([0, 0.25, 0.75, 0.25]); // the last tap's neighbour is clamped onto itself
  });
});

describe('resamplers on real pixels', () => {
  const row = rgbaFromRows([[grey(0), grey(60), grey(120), grey(240)]]);

  it('nearest-exact 4 -> 2 keeps columns 1 and 3, the pixel centres', () => {
    const out = RESAMPLE_PLANNERS['nearest-exact'](row, { width: 2, height: 1 })({ x: 0, y: 0, width: 2, height: 1 });
    expect([...out.data]).toEqual([...grey(60), ...grey(240)]);
  });

  it('area 4 -> 3 gives the window means', () => {
    const out = RESAMPLE_PLANNERS.area(row, { width: 3, height: 1 })({ x: 0, y: 0, width: 3, height: 1 });
    // (0+60)/2, (60+120)/2, (120+240)/2; values checked against torch 1.13.
    expect([out.data[0], out.data[4], out.data[8]]).toEqual([30, 90, 180]);
  });

  it('bilinear 2 -> 4 blends neighbours with weights 1, 3/4, 1/4, 1', () => {
    const two = rgbaFromRows([[grey(0), grey(200)]]);
    const out = RESAMPLE_PLANNERS.bilinear(two, { width: 4, height: 1 })({ x: 0, y: 0, width: 4, height: 1 });
    expect([out.data[0], out.data[4], out.data[8], out.data[12]]).toEqual([0, 50, 150, 200]);
  });

  it('resamples premultiplied: a transparent neighbour does not darken colour', () => {
    const pair = rgbaFromRows([[[255, 0, 0, 255], [0, 0, 0, 0]]]);
    const out = planOverlayResize(pair, { width: 3, height: 1 }, 'bilinear')({ x: 0, y: 0, width: 3, height: 1 });
    // The middle pixel is half covered: alpha halves, colour stays pure red.
    expect([...out.data.subarray(4, 8)]).toEqual([255, 0, 0, 127]);
    expect([...out.data.subarray(8, 12)]).toEqual([0, 0, 0, 0]);
  });

  it('does nothing when the size is unchanged', () => {
    const image = rgbaFromRows([[[10, 20, 30, 40]]]);
    expect(planOverlayResize(image, { width: 1, height: 1 }, 'area')({ x: 0, y: 0, width: 1, height: 1 })).toBe(image);
  });
});

describe('toByte', () => {
  it('truncates 255·v in float32 and clips', () => {
    expect([toByte(0), toByte(1), toByte(0.5), toByte(1.2), toByte(-0.1), toByte(254.99 / 255)]).toEqual([0, 255, 127, 255, 0, 254]);
  });
});

describe('windows', () => {
  it('a window of the output holds exactly the pixels of the whole output there, for every method', () => {
    const src = {
      width: 13,
      height: 9,
      channels: 4 as const,
      data: Uint8Array.from({ length: 13 * 9 * 4 }, (_, i) => (i % 4 === 3 ? [255, 0, 128, 37][(i >> 2) % 4]! : (i * 37) % 256)),
    };
    for (const method of ['nearest-exact', 'bilinear', 'area'] as const) {
      const size = { width: 29, height: 6 };
      const whole = planOverlayResize(src, size, method)(wholeOf(size));
      const window = { x: 5, y: 2, width: 17, height: 3 };
      const part = planOverlayResize(src, size, method)(window);
      for (let row = 0; row < window.height; row++) {
        const start = ((window.y + row) * size.width + window.x) * 4;
        expect([...part.data.subarray(row * window.width * 4, (row + 1) * window.width * 4)]).toEqual([...whole.data.subarray(start, start + window.width * 4)]);
      }
    }
  });
});
