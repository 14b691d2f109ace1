import { describe, expect, it } from 'vitest';
import { overlayTargetSize, roundHalfEven } from '../../src/engine/target-size.js';
import { ImageError } from '../../src/engine/errors.js';

const requested = { width: 1024, height: 1024 };

describe('overlayTargetSize', () => {
  it('truncates the double product for rescale_factor: 0.29 on width 100 gives 28', () => {
    const size = overlayTargetSize({ width: 100, height: 50 }, { width: 400, height: 400 }, { mode: 'Resize by rescale_factor', rescaleFactor: 0.29, requested });
    expect(size).toEqual({ width: 28, height: 14 });
  });

  it('fits 800x5 into 400x267 as 400x2, rounding half to even', () => {
    const size = overlayTargetSize({ width: 800, height: 5 }, { width: 400, height: 267 }, { mode: 'Fit', rescaleFactor: 1, requested });
    expect(size).toEqual({ width: 400, height: 2 });
  });

  it('keeps the size for None and takes width & height as given, in either spelling', () => {
    const overlay = { width: 7, height: 9 };
    const base = { width: 100, height: 100 };
    expect(overlayTargetSize(overlay, base, { mode: 'None', rescaleFactor: 3, requested })).toEqual(overlay);
    for (const mode of ['Resize to width & heigth', 'Resize to width & height'] as const) {
      expect(overlayTargetSize(overlay, base, { mode, rescaleFactor: 3, requested: { width: 33, height: 7 } })).toEqual({ width: 33, height: 7 });
    }
  });

  it('refuses a zero-size target with a typed error naming the field', () => {
    const attempt = () => overlayTargetSize({ width: 3, height: 3 }, { width: 10, height: 10 }, { mode: 'Resize by rescale_factor', rescaleFactor: 0.2, requested });
    expect(attempt).toThrow(ImageError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_parameter', field: 'rescale_factor' });
      expect((error as Error).message).toMatch(/at least 1x1.*0x0/);
    }
  });
});

describe('roundHalfEven', () => {
  it('rounds ties to even as Python does', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
});
