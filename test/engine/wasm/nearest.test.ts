import { describe, expect, it } from 'vitest';
import { rgba } from '../../../src/engine/raster.js';
import { planNearestExact } from '../../../src/engine/resample.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { referenceNearestExact } from '../../helpers/nearest-reference.js';
import { ALPHA_KINDS, firstDifference, random, randomBlocks, randomOverlay, randomWindow } from '../../helpers/random.js';

describe('nearest-exact WebAssembly kernel', () => {
  it('gives the scalar reference bytes on 600 random overlays, noisy and flat, sizes and windows', () => {
    const next = random(20261122);
    for (let round = 0; round < 600; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const [width, height] = [1 + Math.floor(next() * 48), 1 + Math.floor(next() * 48)];
      const src = round % 2 ? randomBlocks(next, width, height, alphaKind, 6, 16) : randomOverlay(next, width, height, alphaKind);
      const size = { width: 1 + Math.floor(next() * 120), height: 1 + Math.floor(next() * 120) };
      const window = randomWindow(next, size);
      const at = firstDifference(planNearestExact(src, size)(window).data, referenceNearestExact(src, size, window).data);
      expect({ round, alphaKind, src: [width, height], size, window, at }).toEqual({ round, alphaKind, src: [width, height], size, window, at: -1 });
    }
  });

  it('gives the reference bytes for every colour at every alpha, alone and in runs', () => {
    // Row a holds colour c at alpha a; enlarged 3x across, each pixel also repeats.
    const src = rgba(256, 256);
    for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) src.data.set([c, 255 - c, c ^ a, a], (a * 256 + c) * 4);
    for (const size of [{ width: 256, height: 256 }, { width: 768, height: 300 }]) {
      const window = { x: 0, y: 0, ...size };
      expect(firstDifference(planNearestExact(src, size)(window).data, referenceNearestExact(src, size, window).data), `${size.width}x${size.height}`).toBe(-1);
    }
  });

  it('copies output rows that share a source row, within the window', () => {
    // 3 source rows to 10: rows repeat 3, 4 and 3 times; a window starting mid-run.
    const src = randomOverlay(random(3), 7, 3, 'any');
    const size = { width: 11, height: 10 };
    const window = { x: 2, y: 2, width: 8, height: 7 };
    expect(firstDifference(planNearestExact(src, size)(window).data, referenceNearestExact(src, size, window).data)).toBe(-1);
  });

  it(`splits rows wider than ${MAX_PASS_COLUMNS} output columns, and spans over ${MAX_PASS_SPAN} pixels, into passes that join seamlessly`, () => {
    const wide = randomOverlay(random(7), 3001, 3, 'edges');
    const wideSize = { width: MAX_PASS_COLUMNS * 2 + 123, height: 7 };
    const wideWindow = { x: 17, y: 1, width: wideSize.width - 20, height: 6 };
    expect(firstDifference(planNearestExact(wide, wideSize)(wideWindow).data, referenceNearestExact(wide, wideSize, wideWindow).data)).toBe(-1);
    const long = randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any');
    const shrunk = { width: 5, height: 2 };
    const all = { x: 0, y: 0, ...shrunk };
    expect(firstDifference(planNearestExact(long, shrunk)(all).data, referenceNearestExact(long, shrunk, all).data)).toBe(-1);
  });
});
