import { describe, expect, it } from 'vitest';
import { cropRgba, rgba, type Rect, type Rgba } from '../../../src/engine/raster.js';
import { rotatedSize, rotateOverlay, rotationSource } from '../../../src/engine/rotate.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { ALPHA_KINDS, firstDifference, random, randomBlocks, randomOverlay } from '../../helpers/random.js';
import { referenceRotate } from '../../helpers/rotate-reference.js';

/** Rotates `output` of the turned canvas both ways, from just the source it needs. */
function bothWays(image: Rgba, degrees: number, output: Rect): { kernel: Rgba; reference: Rgba } {
  const source = rotationSource(image, degrees, output);
  const part = cropRgba(image, source);
  const region = { overlay: image, source, output };
  return { kernel: rotateOverlay(part, degrees, region), reference: referenceRotate(part, degrees, region) };
}

describe('rotation WebAssembly kernels', () => {
  it('give the scalar reference bytes on 400 random overlays, angles and output regions', () => {
    const next = random(20261121);
    const special = [90, 180, 270, 45, 0.001, 89.999, 359.5, 135, 30];
    for (let round = 0; round < 400; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const image = randomOverlay(next, 1 + Math.floor(next() * 40), 1 + Math.floor(next() * 40), alphaKind);
      const degrees = round % 2 ? special[round % special.length]! : next() * 360;
      const canvas = rotatedSize(image, degrees);
      const x = Math.floor(next() * canvas.width);
      const y = Math.floor(next() * canvas.height);
      const output = round % 4 === 0 ? { x: 0, y: 0, ...canvas } : { x, y, width: 1 + Math.floor(next() * (canvas.width - x)), height: 1 + Math.floor(next() * (canvas.height - y)) };
      const { kernel, reference } = bothWays(image, degrees, output);
      const at = firstDifference(kernel.data, reference.data);
      expect({ round, alphaKind, size: [image.width, image.height], degrees, output, at }).toEqual({ round, alphaKind, size: [image.width, image.height], degrees, output, at: -1 });
    }
  });

  it('give the scalar reference bytes on 300 random overlays of flat shapes, where sixteen equal taps take a shortcut', () => {
    const next = random(4077);
    for (let round = 0; round < 300; round++) {
      const alphaKind = ALPHA_KINDS[round % 3]!;
      const image = randomBlocks(next, 1 + Math.floor(next() * 60), 1 + Math.floor(next() * 60), alphaKind, 8, 30);
      const degrees = next() * 360;
      const output = { x: 0, y: 0, ...rotatedSize(image, degrees) };
      const { kernel, reference } = bothWays(image, degrees, output);
      const at = firstDifference(kernel.data, reference.data);
      expect({ round, alphaKind, size: [image.width, image.height], degrees, at }).toEqual({ round, alphaKind, size: [image.width, image.height], degrees, at: -1 });
    }
  });

  it('give the reference bytes for flat blocks of every alpha, premultiplied and back', () => {
    // 5x5 blocks: alpha a down the rows, colour c (every fifth) along them.
    const colours = Array.from({ length: 52 }, (_, k) => k * 5);
    const image = rgba(colours.length * 5, 256 * 5);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const a = Math.floor(y / 5);
        const c = colours[Math.floor(x / 5)]!;
        image.data.set([c, 255 - c, c ^ a, a], (y * image.width + x) * 4);
      }
    }
    const output = { x: 0, y: 0, ...rotatedSize(image, 10) };
    const { kernel, reference } = bothWays(image, 10, output);
    expect(firstDifference(kernel.data, reference.data)).toBe(-1);
  });

  it('give the reference bytes for every colour at every alpha, premultiplied and back', () => {
    // Pixel (c, a) of a 256x256 image has colour c and alpha a: every pair meets
    // MULDIV255 and the truncating division, in quarter turns and at 10°.
    const image = rgba(256, 256);
    for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) image.data.set([c, 255 - c, c ^ a, a], (a * 256 + c) * 4);
    for (const degrees of [90, 180, 270, 10]) {
      const output = { x: 0, y: 0, ...rotatedSize(image, degrees) };
      const { kernel, reference } = bothWays(image, degrees, output);
      expect(firstDifference(kernel.data, reference.data), `${degrees}°`).toBe(-1);
    }
  });

  it('rotate an overlay too large for the shared scratch area in an instance of its own', () => {
    const shared = loadKernels();
    const image = randomOverlay(random(5), 1700, 1300, 'edges'); // 8.8 MB
    for (const degrees of [17, 90]) {
      const output = { x: 0, y: 0, ...rotatedSize(image, degrees) };
      const { kernel, reference } = bothWays(image, degrees, output);
      expect(firstDifference(kernel.data, reference.data), `${degrees}°`).toBe(-1);
    }
    expectSharedScratchWithinBudget(shared);
  });
});
