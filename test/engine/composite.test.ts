import { describe, expect, it } from 'vitest';
import { clipPlacement, compositeOver } from '../../src/engine/composite.js';
import type { Raster } from '../../src/engine/raster.js';
import { rgbaFromRows } from '../helpers/images.js';

const whiteBase = (width: number, height: number): Raster => ({ width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(255) });

describe('compositeOver', () => {
  it('blends red at alpha 127 over white to (255, 128, 128), Pillow alpha_composite', () => {
    const base = whiteBase(1, 1);
    compositeOver(base, rgbaFromRows([[[255, 0, 0, 127]]]), 0, 0);
    expect([...base.data]).toEqual([255, 128, 128]);
  });

  it('copies opaque pixels and skips transparent ones', () => {
    const base = whiteBase(2, 1);
    compositeOver(base, rgbaFromRows([[[10, 20, 30, 255], [10, 20, 30, 0]]]), 0, 0);
    expect([...base.data]).toEqual([10, 20, 30, 255, 255, 255]);
  });

  it('keeps and combines the alpha of an RGBA base', () => {
    const base: Raster = { width: 1, height: 1, channels: 4, data: Uint8Array.from([0, 0, 255, 0]) };
    compositeOver(base, rgbaFromRows([[[255, 0, 0, 128]]]), 0, 0);
    expect([...base.data]).toEqual([255, 0, 0, 128]);
  });

  it('blends over a half-transparent RGBA base as Pillow 9.4 does', () => {
    // Expected values printed by Image.alpha_composite on the same pixels.
    const base: Raster = { width: 2, height: 1, channels: 4, data: Uint8Array.from([0, 0, 255, 128, 10, 200, 30, 255]) };
    compositeOver(base, rgbaFromRows([[[255, 0, 0, 128], [250, 0, 90, 1]]]), 0, 0);
    expect([...base.data]).toEqual([170, 0, 85, 192, 11, 199, 30, 255]);
  });

  it('clips negative offsets and overlays that stick out', () => {
    const base = whiteBase(3, 2);
    const overlay = rgbaFromRows([
      [[1, 1, 1, 255], [2, 2, 2, 255]],
      [[3, 3, 3, 255], [4, 4, 4, 255]],
    ]);
    compositeOver(base, overlay, -1, 1);
    // Only overlay pixel (1, 0) lands, at base (0, 1).
    expect([...base.data]).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 255, 2, 2, 2, 255, 255, 255, 255, 255, 255]);
  });

  it('leaves the base alone when the overlay is wholly outside', () => {
    const base = whiteBase(2, 2);
    const overlay = rgbaFromRows([[[0, 0, 0, 255]]]);
    expect(clipPlacement(base, overlay, 5000, 0)).toBeUndefined();
    expect(clipPlacement(base, overlay, -1, 0)).toBeUndefined();
    compositeOver(base, overlay, 2, 2);
    expect(base.data.every((v) => v === 255)).toBe(true);
  });
});
