import { describe, expect, it } from 'vitest';
import { cropRgba } from '../../src/engine/raster.js';
import { rotateOverlay, rotationGeometry, rotationSource } from '../../src/engine/rotate.js';
import { rgbaFromRows } from '../helpers/images.js';

const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];

describe('rotateOverlay', () => {
  it('turns a 2x1 image by 90 degrees into a 1x2 image, counter-clockwise', () => {
    const out = rotateOverlay(rgbaFromRows([[RED, BLUE]]), 90);
    expect([out.width, out.height]).toEqual([1, 2]);
    // Counter-clockwise: the right-hand pixel ends on top.
    expect([...out.data]).toEqual([...BLUE, ...RED]);
  });

  it('turns by 270 the other way and by 180 end over end', () => {
    const r270 = rotateOverlay(rgbaFromRows([[RED, BLUE]]), 270);
    expect([...r270.data]).toEqual([...RED, ...BLUE]);
    const r180 = rotateOverlay(rgbaFromRows([[RED, BLUE]]), 180);
    expect([r180.width, r180.height, ...r180.data]).toEqual([2, 1, ...BLUE, ...RED]);
  });

  it('is the identity at 0 and 360', () => {
    const image = rgbaFromRows([[RED, BLUE]]);
    expect(rotateOverlay(image, 0)).toBe(image);
    expect(rotateOverlay(image, 360)).toBe(image);
  });

  it('grows the canvas to the turned bounding box and leaves the corners transparent', () => {
    const square = rgbaFromRows(Array.from({ length: 10 }, () => Array.from({ length: 10 }, () => RED)));
    const out = rotateOverlay(square, 45);
    // 10·√2 = 14.14 -> ceil(max) − floor(min) of the turned corners.
    expect([out.width, out.height]).toEqual([16, 16]);
    expect(out.data[3]).toBe(0);
    const centre = (8 * 16 + 8) * 4;
    expect([...out.data.subarray(centre, centre + 4)]).toEqual(RED);
  });
});

describe('rotationGeometry', () => {
  it('uses matrix coefficients rounded to 15 decimals, as Pillow does', () => {
    const { matrix, size } = rotationGeometry({ width: 4, height: 2 }, 90);
    expect(size).toEqual({ width: 2, height: 4 });
    // cos(90°) is 6e-17 in double; Pillow's round(…, 15) makes it exactly 0.
    expect(matrix[0]).toBe(0);
    expect(Math.abs(matrix[1])).toBe(1);
  });
});

describe('rotation regions', () => {
  it('compute exactly the pixels of the whole turned canvas there, from just the source they need', () => {
    const size = { width: 23, height: 17 };
    const image = { ...size, channels: 4 as const, data: Uint8Array.from({ length: 23 * 17 * 4 }, (_, i) => (i % 4 === 3 ? [255, 128, 0, 200][(i >> 2) % 4]! : (i * 53) % 256)) };
    for (const degrees of [30, 90, 180, 270, 333]) {
      const whole = rotateOverlay(image, degrees);
      const output = { x: 4, y: 3, width: 9, height: 7 };
      const source = rotationSource(size, degrees, output);
      const part = rotateOverlay(cropRgba(image, source), degrees, { overlay: size, source, output });
      for (let row = 0; row < output.height; row++) {
        const start = ((output.y + row) * whole.width + output.x) * 4;
        expect([...part.data.subarray(row * output.width * 4, (row + 1) * output.width * 4)], `${degrees}°, row ${row}`).toEqual([...whole.data.subarray(start, start + output.width * 4)]);
      }
      expect(source.width * source.height).toBeLessThan(size.width * size.height);
    }
  });
});
