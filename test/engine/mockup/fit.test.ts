import { describe, expect, it } from 'vitest';
import { planFit, preReducedSize, prepareDesign, type Fit, type FitPlan } from '../../../src/engine/mockup/fit.js';
import type { AreaSize } from '../../../src/engine/mockup/geometry.js';
import { cropRgba, wholeOf, type Size } from '../../../src/engine/raster.js';
import { RESAMPLE_PLANNERS } from '../../../src/engine/resample.js';
import { randomOverlay, random } from '../../helpers/random.js';

describe('planFit (step 2)', () => {
  it.each<[string, Fit, Size, AreaSize, FitPlan]>([
    ['stretch: all of the design over all of the area', 'stretch', { width: 30, height: 10 }, { width: 50, height: 50 }, { crop: { x: 0, y: 0, width: 30, height: 10 }, drawn: { x: 0, y: 0, width: 50, height: 50 } }],
    ['contain, wider design: full width, centred vertically', 'contain', { width: 200, height: 100 }, { width: 100, height: 100 }, { crop: { x: 0, y: 0, width: 200, height: 100 }, drawn: { x: 0, y: 25, width: 100, height: 50 } }],
    ['contain, taller design: full height, centred across', 'contain', { width: 10, height: 40 }, { width: 100, height: 80 }, { crop: { x: 0, y: 0, width: 10, height: 40 }, drawn: { x: 40, y: 0, width: 20, height: 80 } }],
    ['contain, magnified, float sizes', 'contain', { width: 24, height: 24 }, { width: 360, height: 180.5 }, { crop: { x: 0, y: 0, width: 24, height: 24 }, drawn: { x: 89.75, y: 0, width: 180.5, height: 180.5 } }],
    ['cover, wider area: height cropped about the centre', 'cover', { width: 100, height: 100 }, { width: 200, height: 100 }, { crop: { x: 0, y: 25, width: 100, height: 50 }, drawn: { x: 0, y: 0, width: 200, height: 100 } }],
    ['cover, taller area: width cropped about the centre', 'cover', { width: 300, height: 100 }, { width: 50, height: 100 }, { crop: { x: 125, y: 0, width: 50, height: 100 }, drawn: { x: 0, y: 0, width: 50, height: 100 } }],
    ['cover, same aspect ratio: no crop', 'cover', { width: 300, height: 150 }, { width: 30, height: 15 }, { crop: { x: 0, y: 0, width: 300, height: 150 }, drawn: { x: 0, y: 0, width: 30, height: 15 } }],
    // H·aw/ah = 5·1/2 = 2.5 rounds to 2 (even); the crop starts at floor((10 − 2)/2) = 4.
    ['cover, crop width 2.5 rounds half to even: 2', 'cover', { width: 10, height: 5 }, { width: 1, height: 2 }, { crop: { x: 4, y: 0, width: 2, height: 5 }, drawn: { x: 0, y: 0, width: 1, height: 2 } }],
    // 7·1/2 = 3.5 rounds to 4 (even); the crop starts at floor((10 − 4)/2) = 3.
    ['cover, crop width 3.5 rounds half to even: 4', 'cover', { width: 10, height: 7 }, { width: 1, height: 2 }, { crop: { x: 3, y: 0, width: 4, height: 7 }, drawn: { x: 0, y: 0, width: 1, height: 2 } }],
    // W·ah/aw = 5/2 = 2.5 rounds to 2; starts at floor((9 − 2)/2) = 3.
    ['cover, crop height 2.5 rounds half to even: 2, offset floored', 'cover', { width: 5, height: 9 }, { width: 2, height: 1 }, { crop: { x: 0, y: 3, width: 5, height: 2 }, drawn: { x: 0, y: 0, width: 2, height: 1 } }],
    // 7/2 = 3.5 rounds to 4; starts at floor((9 − 4)/2) = 2.
    ['cover, crop height 3.5 rounds half to even: 4', 'cover', { width: 7, height: 9 }, { width: 2, height: 1 }, { crop: { x: 0, y: 2, width: 7, height: 4 }, drawn: { x: 0, y: 0, width: 2, height: 1 } }],
    ['cover, at least one pixel kept', 'cover', { width: 3, height: 3 }, { width: 1000, height: 1 }, { crop: { x: 0, y: 1, width: 3, height: 1 }, drawn: { x: 0, y: 0, width: 1000, height: 1 } }],
  ])('%s', (_name, fit, design, area, plan) => {
    expect(planFit(design, area, fit)).toEqual(plan);
  });
});

describe('preReducedSize (step 3)', () => {
  it.each<[string, Size, AreaSize, Size | undefined]>([
    ['drawn at its size: none', { width: 100, height: 100 }, { width: 100, height: 100 }, undefined],
    ['exactly twice the drawn size: none', { width: 200, height: 100 }, { width: 100, height: 50 }, undefined],
    ['magnified: none', { width: 24, height: 24 }, { width: 360, height: 360 }, undefined],
    ['past twice along both: ceil(2·d)', { width: 1000, height: 1000 }, { width: 241.37, height: 180.23 }, { width: 483, height: 361 }],
    ['past twice along one axis: the other kept at most its own', { width: 100, height: 1000 }, { width: 100, height: 100 }, { width: 100, height: 200 }],
    ['past twice along one axis: the other reduced too when over ceil(2·d)', { width: 1200, height: 1200 }, { width: 135.3, height: 600.1 }, { width: 271, height: 1200 }],
  ])('%s', (_name, pixels, drawn, size) => {
    expect(preReducedSize(pixels, drawn)).toEqual(size);
  });
});

describe('prepareDesign', () => {
  const design = randomOverlay(random(7), 60, 40, 'any');

  it('crops as the plan says, then leaves a design not minified as it is', () => {
    const plan = planFit(design, { width: 40, height: 40 }, 'cover');
    expect(plan.crop).toEqual({ x: 10, y: 0, width: 40, height: 40 });
    expect(prepareDesign(design, plan)).toEqual(cropRgba(design, plan.crop));
    expect(prepareDesign(design, planFit(design, { width: 30, height: 20 }, 'stretch'))).toBe(design);
  });

  it('reduces a minified design with the engine’s area resampler, premultiplied', () => {
    const plan = planFit(design, { width: 10.4, height: 7.2 }, 'cover');
    const cropped = cropRgba(design, plan.crop);
    const size = { width: Math.ceil(2 * 10.4), height: Math.ceil(2 * 7.2) };
    expect(prepareDesign(design, plan)).toEqual(RESAMPLE_PLANNERS.area(cropped, size)(wholeOf(size)));
  });
});
