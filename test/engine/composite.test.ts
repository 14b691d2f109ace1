import { describe, expect, it } from 'vitest';
import { clipPlacement, compositeOver } from '../../src/engine/composite.js';
import { rgba, type Raster, type Rgba } from '../../src/engine/raster.js';
import { referenceCompositeOver } from '../helpers/composite-reference.js';
import { rgbaFromRows } from '../helpers/images.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../helpers/kernel-cases.js';

const whiteBase = (width: number, height: number): Raster => ({ width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(255) });

/** Runs of alpha, so that the kernel's four-opaque-pixel path and its fallbacks both occur. */
const ALPHA_RUN = [255, 255, 255, 255, 0, 0, 0, 0, 1, 128, 254];

/** compositeOver and its reference, each placing `overlay` at (x, y) on its own copy of `base`. */
function compositing(label: CaseLabel, base: Raster, overlay: Rgba, x: number, y: number): KernelCase {
  const onCopyOfBase = (composite: typeof compositeOver) => () => {
    const out: Raster = { ...base, data: base.data.slice() };
    composite(out, overlay, x, y);
    return out.data;
  };
  return { label, kernel: onCopyOfBase(compositeOver), reference: onCopyOfBase(referenceCompositeOver) };
}

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

  itMatchesReference([
    {
      name: 'gives the bytes of the scalar Pillow arithmetic on 400 random overlays over RGB and RGBA bases',
      cases: () =>
        randomCases(1121, 400, (next, round) => {
          const byte = () => Math.floor(next() * 256);
          const channels = round % 2 ? 4 : 3;
          const overlay = rgba(1 + Math.floor(next() * 40), 1 + Math.floor(next() * 12));
          const run = Math.floor(next() * ALPHA_RUN.length);
          for (let p = 0; p < overlay.width * overlay.height; p++) {
            overlay.data.set([byte(), byte(), byte(), next() < 0.7 ? ALPHA_RUN[(run + (p >> 2)) % ALPHA_RUN.length]! : byte()], p * 4);
          }
          const width = overlay.width + Math.floor(next() * 8);
          const height = overlay.height + Math.floor(next() * 4);
          const base: Raster = { width, height, channels, data: Uint8Array.from({ length: width * height * channels }, byte) };
          const x = Math.floor(next() * (width - overlay.width + 1));
          const y = Math.floor(next() * (height - overlay.height + 1));
          return compositing({ channels }, base, overlay, x, y);
        }),
    },
    {
      name: 'composites rows wider than one kernel call',
      cases: () => {
        const overlay = rgba(20000, 2);
        for (let i = 0; i < overlay.data.length; i++) overlay.data[i] = (i * 7919) % 256;
        const base: Raster = { width: 20001, height: 3, channels: 3, data: new Uint8Array(20001 * 3 * 3).fill(90) };
        return [compositing({}, base, overlay, 1, 1)];
      },
    },
  ]);
});
