import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyHomography,
  areaSize,
  boxQuad,
  invertHomography,
  quadHomography,
  reachableBox,
  type AreaSize,
  type Point,
  type Quad,
} from '../../../src/engine/mockup/geometry.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';

const QUADS: [string, Quad][] = [
  ['an axis-aligned rectangle', [[10, 20], [110, 20], [110, 70], [10, 70]]],
  ['a perspective trapezoid', [[310.4, 150.2], [744.07, 196.9], [732.67, 656.03], [318.6, 700.53]]],
  ['a carton face', [[170, 260], [470, 330], [470, 700], [170, 600]]],
  ['a mirrored quad (corners the other way round)', [[100, 100], [100, 400], [500, 380], [520, 90]]],
  ['partly outside the base', [[-180, -90], [420, -40], [380, 380], [-150, 330]]],
  ['a steep perspective', [[0, 0], [1000, 450], [1000, 550], [0, 1000]]],
  ['far from the origin', [[70_000.25, 40_000.5], [70_900.75, 40_100], [70_880, 40_700.125], [69_990, 40_650]]],
  ['a thin sliver', [[0, 0], [1000, 0], [1000, 0.01], [0, 0.01]]],
];

const RECTANGLE_CORNERS = (area: AreaSize): Point[] => [
  [0, 0],
  [area.width, 0],
  [area.width, area.height],
  [0, area.height],
];

describe('areaSize (step 1)', () => {
  it.each<[string, Quad, AreaSize]>([
    ['a rectangle', [[10, 20], [110, 20], [110, 70], [10, 70]], { width: 100, height: 50 }],
    ['the longer of each pair of opposite edges', [[0, 0], [30, 0], [40, 20], [0, 20]], { width: 40, height: Math.hypot(10, 20) }],
    ['Euclidean lengths', [[0, 0], [3, 4], [3, 16], [0, 12]], { width: 5, height: 12 }],
    ['a box turned 90°: sizes kept', boxQuad({ x: 0, y: 0, width: 40, height: 10, rotation: 90 }), { width: 40, height: 10 }],
  ])('%s', (_name, quad, size) => {
    expect(areaSize(quad)).toEqual(size);
  });
});

describe('quadHomography', () => {
  it.each(QUADS)('takes the area rectangle corners to %s within 1e-9', (_name, quad) => {
    const area = areaSize(quad);
    const m = quadHomography(quad, area);
    RECTANGLE_CORNERS(area).forEach(([x, y], i) => {
      const [bx, by] = applyHomography(m, x, y);
      expect(Math.abs(bx - quad[i]![0])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(quad[i]![0])));
      expect(Math.abs(by - quad[i]![1])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(quad[i]![1])));
    });
  });

  it.each(QUADS)('is inverted by invertHomography for %s', (_name, quad) => {
    const area = areaSize(quad);
    const m = quadHomography(quad, area);
    const inverse = invertHomography(m);
    for (const [x, y] of [...RECTANGLE_CORNERS(area), [area.width / 3, area.height / 7], [area.width * 0.9, area.height * 0.4]] as Point[]) {
      const [bx, by] = applyHomography(m, x, y);
      const [ax, ay] = applyHomography(inverse, bx, by);
      expect(Math.abs(ax - x)).toBeLessThanOrEqual(1e-9 * Math.max(1, area.width));
      expect(Math.abs(ay - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, area.height));
    }
  });

  it('is an exact translation for an axis-aligned rectangle of whole pixels, and its inverse too', () => {
    const quad: Quad = [[7, -3], [47, -3], [47, 27], [7, 27]];
    expect(quadHomography(quad, areaSize(quad))).toEqual([1, 0, 7, 0, 1, -3, 0, 0, 1]);
    expect(invertHomography(quadHomography(quad, areaSize(quad))).map((v) => v + 0)).toEqual([1, 0, -7, 0, 1, 3, 0, 0, 1]);
  });

  it('is affine (no perspective terms) for a parallelogram', () => {
    const quad: Quad = [[10, 10], [60, 20], [70, 70], [20, 60]];
    const m = quadHomography(quad, areaSize(quad));
    expect([m[6], m[7], m[8]]).toEqual([0, 0, 1]);
  });

  it('keeps w positive over the area rectangle, whichever way the corners go round', () => {
    // Quarter pixels: any convex quad a request can give, without the denormal slivers of arbitrary doubles.
    const coordinate = fc.integer({ min: -8000, max: 8000 }).map((v) => v / 4);
    const point = fc.tuple(coordinate, coordinate);
    fc.assert(
      fc.property(fc.tuple(point, point, point, point), (corners) => {
        const quad: Quad = corners;
        fc.pre(isStrictlyConvex(quad));
        const area = areaSize(quad);
        const m = quadHomography(quad, area);
        for (const [x, y] of RECTANGLE_CORNERS(area)) expect(m[6] * x + m[7] * y + m[8]).toBeGreaterThan(0);
        const inverse = invertHomography(m);
        const [cx, cy] = applyHomography(m, area.width / 2, area.height / 2);
        expect(inverse[6] * cx + inverse[7] * cy + inverse[8]).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('boxQuad', () => {
  it('is the rectangle from its top-left round when not turned', () => {
    expect(boxQuad({ x: 10, y: 20, width: 40, height: 30 })).toEqual([[10, 20], [50, 20], [50, 50], [10, 50]]);
  });

  it('turns counter-clockwise on screen (y down): at 90° the design’s top-left is at the bottom-left', () => {
    // Centre (30, 35); turned, the box spans 15 across and 40 down.
    expect(boxQuad({ x: 10, y: 20, width: 40, height: 30, rotation: 90 })).toEqual([[15, 55], [15, 15], [45, 15], [45, 55]]);
    expect(boxQuad({ x: 10, y: 20, width: 40, height: 30, rotation: 180 })).toEqual([[50, 50], [10, 50], [10, 20], [50, 20]]);
    expect(boxQuad({ x: 10, y: 20, width: 40, height: 30, rotation: -90 })).toEqual([[45, 15], [45, 55], [15, 55], [15, 15]]);
    expect(boxQuad({ x: 10, y: 20, width: 40, height: 30, rotation: 450 })).toEqual(boxQuad({ x: 10, y: 20, width: 40, height: 30, rotation: 90 }));
  });

  it('turns a small angle so that the top edge rises to the right', () => {
    const [q0, q1] = boxQuad({ x: 0, y: 0, width: 100, height: 50, rotation: 30 });
    expect(Math.atan2(-(q1[1] - q0[1]), q1[0] - q0[0])).toBeCloseTo(Math.PI / 6, 12);
    expect(Math.hypot(q1[0] - q0[0], q1[1] - q0[1])).toBeCloseTo(100, 12);
  });
});

describe('reachableBox', () => {
  const base = { width: 100, height: 80 };
  const square: Quad = [[10, 10], [20, 10], [20, 20], [10, 20]];
  const toBase = quadHomography(square, areaSize(square));
  const whole = { x: 0, y: 0, width: 10, height: 10 };
  const still = { x: 0, y: 0 };

  it.each([
    ['a design at its own size: half a pixel round, whole pixels touched', whole, { width: 10, height: 10 }, still, { x: 9, y: 9, width: 12, height: 12 }],
    ['a magnified design: half a design pixel is 2.5 base pixels', whole, { width: 2, height: 2 }, still, { x: 7, y: 7, width: 16, height: 16 }],
    ['a minified design: the quad’s pixels', whole, { width: 1000, height: 1000 }, still, { x: 9, y: 9, width: 12, height: 12 }],
    ['a contained design: only its drawn rectangle', { x: 0, y: 2.5, width: 10, height: 5 }, { width: 20, height: 10 }, still, { x: 9, y: 12, width: 12, height: 6 }],
    ['displacement reach along each axis', whole, { width: 10, height: 10 }, { x: 3, y: 0.25 }, { x: 6, y: 9, width: 18, height: 12 }],
  ])('%s', (_name, drawn, designPixels, reach, box) => {
    expect(reachableBox(toBase, drawn, designPixels, reach, base)).toEqual(box);
  });

  it('is clipped to the base, and undefined off it', () => {
    const outside: Quad = [[-50, -40], [5, -40], [5, 3], [-50, 3]];
    const m = quadHomography(outside, areaSize(outside));
    expect(reachableBox(m, { x: 0, y: 0, width: 55, height: 43 }, { width: 55, height: 43 }, still, base)).toEqual({ x: 0, y: 0, width: 6, height: 4 });
    const gone: Quad = [[-50, -40], [-5, -40], [-5, -3], [-50, -3]];
    expect(reachableBox(quadHomography(gone, areaSize(gone)), { x: 0, y: 0, width: 45, height: 37 }, { width: 45, height: 37 }, still, base)).toBeUndefined();
  });

  it('is the whole base when the grown rectangle crosses the horizon', () => {
    // Magnified 500 times under a steep perspective: half a design pixel reaches past the vanishing line.
    const steep: Quad = [[0, 0], [60, 30], [60, 31], [0, 60]];
    const area = areaSize(steep);
    const m = quadHomography(steep, area);
    expect(reachableBox(m, { x: 0, y: 0, ...area }, { width: 1, height: 1 }, still, base)).toEqual({ x: 0, y: 0, width: 100, height: 80 });
  });
});
