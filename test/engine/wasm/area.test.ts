import { describe, expect, it } from 'vitest';
import { rgba } from '../../../src/engine/raster.js';
import { planArea } from '../../../src/engine/resample.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { referenceArea } from '../../helpers/area-reference.js';
import { ALPHA_KINDS, firstDifference, random, randomOverlay, randomWindow } from '../../helpers/random.js';

describe('area WebAssembly kernel', () => {
  it('gives the scalar reference bytes on 600 random overlays, sizes and windows', () => {
    const next = random(20261121);
    for (let round = 0; round < 600; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const src = randomOverlay(next, 1 + Math.floor(next() * 64), 1 + Math.floor(next() * 64), alphaKind);
      // Shrinks, enlargements and both at once.
      const size = { width: 1 + Math.floor(next() * 96), height: 1 + Math.floor(next() * 96) };
      const window = randomWindow(next, size);
      const at = firstDifference(planArea(src, size)(window).data, referenceArea(src, size, window).data);
      expect({ round, alphaKind, src: [src.width, src.height], size, window, at }).toEqual({ round, alphaKind, src: [src.width, src.height], size, window, at: -1 });
    }
  });

  it('gives the reference bytes for every colour at ten alphas, averaged in windows of 1 to 3', () => {
    for (const alpha of [0, 1, 2, 3, 64, 127, 128, 200, 254, 255]) {
      const src = rgba(256, 3);
      for (let c = 0; c < 256; c++) {
        src.data.set([c, 255 - c, (c * 7) % 256, alpha], c * 4);
        src.data.set([(c * 3) % 256, c, 128, 255 - alpha], (256 + c) * 4);
        src.data.set([c, c, 255 - c, alpha >> 1], (512 + c) * 4);
      }
      for (const size of [{ width: 256, height: 1 }, { width: 100, height: 2 }, { width: 256, height: 3 }]) {
        const window = { x: 0, y: 0, ...size };
        expect(firstDifference(planArea(src, size)(window).data, referenceArea(src, size, window).data), `alpha ${alpha}, ${size.width}x${size.height}`).toBe(-1);
      }
    }
  });

  it(`splits rows wider than ${MAX_PASS_COLUMNS} output columns into passes that join seamlessly`, () => {
    const src = randomOverlay(random(7), 4000, 3, 'edges');
    const size = { width: MAX_PASS_COLUMNS * 2 + 123, height: 5 };
    const window = { x: 17, y: 1, width: size.width - 20, height: 4 };
    expect(firstDifference(planArea(src, size)(window).data, referenceArea(src, size, window).data)).toBe(-1);
  });

  it(`copies at most ${MAX_PASS_SPAN} source pixels a row per pass, however hard it shrinks`, () => {
    const src = randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any');
    for (const size of [{ width: 3, height: 1 }, { width: 1, height: 1 }]) {
      const window = { x: 0, y: 0, ...size };
      expect(firstDifference(planArea(src, size)(window).data, referenceArea(src, size, window).data)).toBe(-1);
    }
  });
});
