import { describe, expect, it } from 'vitest';
import { applyMaskAndOpacity, maskLuma, resizeBicubicPillow } from '../../src/engine/mask.js';
import { rgbaFromRows } from '../helpers/images.js';

describe('maskLuma', () => {
  it("takes Pillow's rounded ITU-R 601 luma", () => {
    const mask = maskLuma(rgbaFromRows([[[255, 255, 255, 255], [0, 0, 128, 255], [255, 0, 0, 255], [0, 0, 0, 255]]]));
    expect([...mask.data]).toEqual([255, 15, 76, 0]);
  });

  it('flattens alpha onto black first', () => {
    const mask = maskLuma(rgbaFromRows([[[255, 255, 255, 0], [255, 255, 255, 128], [200, 200, 200, 255]]]));
    expect([...mask.data]).toEqual([0, 128, 200]);
  });
});

describe('resizeBicubicPillow', () => {
  it('keeps a flat mask flat and clamps overshoot', () => {
    const flat = { width: 4, height: 4, data: new Uint8Array(16).fill(200) };
    expect([...resizeBicubicPillow(flat, { width: 7, height: 3 }).data]).toEqual(new Array(21).fill(200));
  });

  it('overshoots at a hard edge with a = −0.5 and clips to 0..255', () => {
    const edge = { width: 4, height: 1, data: Uint8Array.from([0, 0, 255, 255]) };
    const out = resizeBicubicPillow(edge, { width: 8, height: 1 });
    expect(out.data[0]).toBe(0);
    expect(out.data[7]).toBe(255);
    expect(out.data[3]).toBeLessThan(out.data[4]!);
  });
});

describe('applyMaskAndOpacity', () => {
  const overlay = rgbaFromRows([[[9, 9, 9, 255], [9, 9, 9, 255], [9, 9, 9, 200]]]);

  it('white shows the overlay, black hides it, grey scales alpha with floor', () => {
    const mask = { width: 3, height: 1, data: Uint8Array.from([255, 0, 128]) };
    const out = applyMaskAndOpacity(overlay, mask, 1);
    // floor(200 · 128 / 255) = 100
    expect([out.data[3], out.data[7], out.data[11]]).toEqual([255, 0, 100]);
  });

  it('opacity 0.5 halves alpha with floor(a · 0.5 + 1e-9)', () => {
    const out = applyMaskAndOpacity(overlay, undefined, 0.5);
    expect([out.data[3], out.data[7], out.data[11]]).toEqual([127, 127, 100]);
  });

  it('returns the overlay untouched without mask at opacity 1, and never mutates its input', () => {
    expect(applyMaskAndOpacity(overlay, undefined, 1)).toBe(overlay);
    applyMaskAndOpacity(overlay, undefined, 0);
    expect(overlay.data[3]).toBe(255);
  });
});
