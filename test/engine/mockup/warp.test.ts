import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFit, prepareDesign, preReducedSize } from '../../../src/engine/mockup/fit.js';
import { areaSize, invertHomography, quadHomography, reachableBox, type Quad } from '../../../src/engine/mockup/geometry.js';
import { isStrictlyConvex } from '../../../src/engine/mockup/quad.js';
import { sampleBilinear, warpRect, type WarpLayer } from '../../../src/engine/mockup/warp.js';
import { rgba, type Rgba } from '../../../src/engine/raster.js';
import { random, randomOverlay } from '../../helpers/random.js';

const f32 = Math.fround;

/** A 2×1 design: opaque red, then transparent green. */
const redThenClear = rgba(2, 1, Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 0]));

function sample(design: Rgba, sx: number, sy: number, coverage = 1): number[] {
  const out = new Float32Array(4);
  sampleBilinear(design, sx, sy, coverage, out, 0);
  return [...out];
}

describe('sampleBilinear (step 4)', () => {
  it('at a pixel centre is that pixel, premultiplied', () => {
    const design = rgba(1, 1, Uint8Array.from([200, 100, 50, 128]));
    const a = 128 / 255;
    expect(sample(design, 0, 0)).toEqual([f32((200 / 255) * a), f32((100 / 255) * a), f32((50 / 255) * a), f32(a)]);
  });

  it('interpolates premultiplied colour: a transparent neighbour’s colour does not bleed', () => {
    expect(sample(redThenClear, 0.5, 0)).toEqual([0.5, 0, 0, 0.5]);
    expect(sample(redThenClear, 0.25, 0)).toEqual([0.75, 0, 0, 0.75]);
  });

  it('treats every tap outside the design as transparent, not clamped', () => {
    const opaque = rgba(1, 1, Uint8Array.from([255, 255, 255, 255]));
    expect(sample(opaque, -0.5, 0)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(sample(opaque, 0, 0.75)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(sample(opaque, -0.5, -0.5)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(sample(opaque, -1, 0)).toEqual([0, 0, 0, 0]);
    expect(sample(opaque, 1, 0)).toEqual([0, 0, 0, 0]);
    expect(sample(opaque, 0, 7)).toEqual([0, 0, 0, 0]);
  });

  it('is transparent at non-finite coordinates (w = 0 in the inverse map)', () => {
    const opaque = rgba(1, 1, Uint8Array.from([255, 255, 255, 255]));
    expect(sample(opaque, Number.NaN, 0)).toEqual([0, 0, 0, 0]);
    expect(sample(opaque, Infinity, 0)).toEqual([0, 0, 0, 0]);
    expect(sample(opaque, -Infinity, -Infinity)).toEqual([0, 0, 0, 0]);
  });

  it('multiplies colour and alpha by the coverage', () => {
    expect(sample(redThenClear, 0, 0, 0.25)).toEqual([0.25, 0, 0, 0.25]);
    expect(sample(redThenClear, 0, 0, 0)).toEqual([0, 0, 0, 0]);
  });
});

/** A layer at the design's own size, axis-aligned at (x, y): base pixel (x + i, y + j) is design pixel (i, j). */
function placed(design: Rgba, x: number, y: number, baseWidth: number, extra: Partial<WarpLayer> = {}): WarpLayer {
  const quad: Quad = [[x, y], [x + design.width, y], [x + design.width, y + design.height], [x, y + design.height]];
  const area = areaSize(quad);
  return { design, toArea: invertHomography(quadHomography(quad, area)), drawn: { x: 0, y: 0, ...area }, baseWidth, opacity: 1, ...extra };
}

describe('warpRect (steps 4–6)', () => {
  const design = randomOverlay(random(3), 4, 3, 'any');
  const premultiplied = (i: number, j: number): number[] => {
    const at = (j * design.width + i) * 4;
    const a = design.data[at + 3]! / 255;
    return [0, 1, 2].map((c) => f32((design.data[at + c]! / 255) * a)).concat(f32(a));
  };
  const pixel = (out: Float32Array, width: number, col: number, row: number) => [...out.subarray((row * width + col) * 4, (row * width + col) * 4 + 4)];

  it('maps each base pixel centre to its design pixel, and leaves pixels the design does not reach at 0', () => {
    const out = warpRect(placed(design, 2, 1, 10), { x: 0, y: 0, width: 10, height: 6 });
    for (let row = 0; row < 6; row++) {
      for (let col = 0; col < 10; col++) {
        const inside = col >= 2 && col < 6 && row >= 1 && row < 4;
        expect(pixel(out, 10, col, row)).toEqual(inside ? premultiplied(col - 2, row - 1) : [0, 0, 0, 0]);
      }
    }
  });

  it('computes only the rectangle asked for, into the buffer given', () => {
    const whole = warpRect(placed(design, 2, 1, 10), { x: 0, y: 0, width: 10, height: 6 });
    const into = new Float32Array(64).fill(9);
    const part = warpRect(placed(design, 2, 1, 10), { x: 3, y: 2, width: 3, height: 2 }, into);
    expect(part).toBe(into);
    for (let row = 0; row < 2; row++) for (let col = 0; col < 3; col++) expect(pixel(part, 3, col, row)).toEqual(pixel(whole, 10, col + 3, row + 2));
  });

  it('multiplies by opacity and clip/255 at the base pixel', () => {
    const clip = new Uint8Array(10 * 6).fill(255);
    clip[2 * 10 + 3] = 51;
    const out = warpRect(placed(design, 2, 1, 10, { opacity: 0.5, clip }), { x: 0, y: 0, width: 10, height: 6 });
    const scaled = (values: number[], by: number) => values.map((v) => f32(v * by));
    // Coverage is applied in float64 before the one float32 rounding: compare loosely.
    pixel(out, 10, 3, 2).forEach((v, c) => expect(v).toBeCloseTo(scaled(premultiplied(1, 1), 0.5 * 0.2)[c]!, 7));
    pixel(out, 10, 4, 2).forEach((v, c) => expect(v).toBeCloseTo(scaled(premultiplied(2, 1), 0.5)[c]!, 7));
  });

  it('moves the sample point by (sx, sy)·(D − 128)/128', () => {
    const luma = new Uint8Array(10 * 6).fill(128);
    luma[1 * 10 + 3] = 0; // moved by −(sx, sy) = (1, 1)
    luma[2 * 10 + 2] = 192; // moved by (sx, sy)/2 = (−0.5, −0.5)
    luma[2 * 10 + 4] = 255; // moved by 127/128·(sx, sy)
    const out = warpRect(placed(design, 2, 1, 10, { displacement: { luma, strength: [-1, -1] } }), { x: 0, y: 0, width: 10, height: 6 });
    expect(pixel(out, 10, 3, 1)).toEqual(premultiplied(2, 1));
    expect(pixel(out, 10, 2, 2)).toEqual(sample(design, -0.5, 0.5));
    expect(pixel(out, 10, 4, 2)).toEqual(sample(design, 2 - 127 / 128, 1 - 127 / 128));
    expect(pixel(out, 10, 5, 3)).toEqual(premultiplied(3, 2));
  });

  it('changes no pixel outside the reachable box', () => {
    const base = { width: 40, height: 30 };
    const coordinate = (max: number) => fc.integer({ min: -40, max: 4 * max + 40 }).map((v) => v / 4);
    const point = fc.tuple(coordinate(base.width), coordinate(base.height));
    fc.assert(
      fc.property(
        fc.tuple(point, point, point, point),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('contain' as const, 'cover' as const, 'stretch' as const),
        fc.tuple(fc.integer({ min: -8, max: 8 }), fc.integer({ min: -8, max: 8 })),
        fc.integer(),
        (quad, width, height, fit, strength, seed) => {
          fc.pre(isStrictlyConvex(quad));
          const next = random(seed);
          const image = randomOverlay(next, width, height, 'opaque');
          const area = areaSize(quad);
          const plan = planFit(image, area, fit);
          const toBase = quadHomography(quad, area);
          const luma = Uint8Array.from({ length: base.width * base.height }, () => Math.floor(next() * 256));
          const layer: WarpLayer = {
            design: prepareDesign(image, plan),
            toArea: invertHomography(toBase),
            drawn: plan.drawn,
            baseWidth: base.width,
            opacity: 1,
            displacement: { luma, strength },
          };
          const box = reachableBox(toBase, plan.drawn, preReducedSize(plan.crop, plan.drawn) ?? plan.crop, { x: Math.abs(strength[0]), y: Math.abs(strength[1]) }, base);
          const out = warpRect(layer, { x: 0, y: 0, ...base });
          for (let y = 0; y < base.height; y++) {
            for (let x = 0; x < base.width; x++) {
              if (out[(y * base.width + x) * 4 + 3] === 0) continue;
              expect(box, `pixel (${x}, ${y}) reached`).toBeDefined();
              expect(x >= box!.x && x < box!.x + box!.width && y >= box!.y && y < box!.y + box!.height, `pixel (${x}, ${y}) outside ${JSON.stringify(box)}`).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
