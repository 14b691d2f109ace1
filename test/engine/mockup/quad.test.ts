import { describe, expect, it } from 'vitest';
import type { Quad } from '../../../src/engine/mockup/geometry.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';

describe('isStrictlyConvex', () => {
  it.each<[string, Quad, boolean]>([
    ['a square, clockwise on screen', [[0, 0], [10, 0], [10, 10], [0, 10]], true],
    ['a square, counter-clockwise on screen (mirrored)', [[0, 0], [0, 10], [10, 10], [10, 0]], true],
    ['a perspective trapezoid', [[100, 80], [420, 120], [400, 390], [90, 430]], true],
    ['a thin sliver of non-zero area', [[0, 0], [1000, 0], [1000, 1e-3], [0, 1e-3]], true],
    ['a bow-tie (edges crossing)', [[100, 100], [400, 400], [400, 100], [100, 400]], false],
    ['three corners on one line', [[0, 0], [5, 0], [10, 0], [0, 10]], false],
    ['two corners equal', [[0, 0], [10, 0], [10, 0], [0, 10]], false],
    ['zero area: one point', [[200, 200], [200, 200], [200, 200], [200, 200]], false],
    ['zero area: all on one line', [[0, 0], [1, 1], [2, 2], [3, 3]], false],
    ['a concave dart', [[100, 100], [400, 120], [200, 160], [120, 400]], false],
    ['a concave dart, the other way round', [[120, 400], [200, 160], [400, 120], [100, 100]], false],
    ['a diamond of the largest finite coordinates', [[0, -1.7e308], [1.7e308, 0], [0, 1.7e308], [-1.7e308, 0]], true],
    ['a bow-tie of huge coordinates', [[1e300, 0], [-1e300, 0], [0, 1e300], [0, -1e300]], false],
    ['NaN in a corner', [[0, 0], [10, 0], [10, Number.NaN], [0, 10]], false],
  ])('%s', (_name, quad, convex) => {
    expect(isStrictlyConvex(quad)).toBe(convex);
  });

  it('does not depend on which corner comes first', () => {
    const quad: Quad = [[100, 80], [420, 120], [400, 390], [90, 430]];
    for (let k = 0; k < 4; k++) {
      const turned = [0, 1, 2, 3].map((i) => quad[(i + k) % 4]!) as unknown as Quad;
      expect(isStrictlyConvex(turned)).toBe(true);
    }
  });
});
