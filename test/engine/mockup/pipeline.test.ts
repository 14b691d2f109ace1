import { describe, expect, it } from 'vitest';
import { ImageError } from '../../../src/engine/errors.js';
import { boxQuad } from '../../../src/engine/mockup/geometry.js';
import { renderMockup, type MockupLayerInput } from '../../../src/engine/mockup/pipeline.js';
import { rgba, type Raster } from '../../../src/engine/raster.js';
import { random, randomOverlay } from '../../helpers/random.js';

function noise(width: number, height: number, channels: 3 | 4, seed: number, opaque = true): Raster {
  const next = random(seed);
  const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (opaque && channels === 4 && i % 4 === 3 ? 255 : Math.floor(next() * 256)));
  return { width, height, channels, data };
}

function flat(width: number, height: number, pixel: readonly number[]): Raster {
  const channels = pixel.length as 3 | 4;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i += channels) data.set(pixel, i);
  return { width, height, channels, data };
}

const copy = (raster: Raster): Raster => ({ ...raster, data: raster.data.slice() });

const layer = (overrides: Partial<MockupLayerInput> = {}): MockupLayerInput => ({
  image: randomOverlay(random(11), 9, 7, 'any'),
  quad: [[6.3, 4.1], [30.2, 7.5], [28.4, 25.9], [5.1, 22.2]],
  fit: 'contain',
  blendMode: 'normal',
  opacity: 1,
  ...overrides,
});

describe('renderMockup', () => {
  it('composites in place and returns the base', () => {
    const base = noise(40, 30, 3, 1);
    const before = base.data.slice();
    expect(renderMockup(base, [layer()])).toBe(base);
    expect(base.data).not.toEqual(before);
  });

  it('refuses a clip of another size than the base, naming the field and both sizes, before painting anything', () => {
    const base = noise(40, 30, 3, 1);
    const before = base.data.slice();
    const call = () => renderMockup(base, [layer(), layer({ clip: flat(40, 31, [255, 255, 255, 255]) })]);
    expect(call).toThrow(ImageError);
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_parameter', field: 'layers[1].clip' });
      expect((error as Error).message).toMatch(/40x30/);
      expect((error as Error).message).toMatch(/40x31/);
    }
    expect(base.data).toEqual(before);
  });

  it('refuses a displacement map of another size than the base', () => {
    const base = noise(40, 30, 4, 1);
    const map = flat(20, 30, [128, 128, 128]);
    expect(() => renderMockup(base, [layer({ displacement: { map, strength: [3, 3], blur: 0 } })])).toThrow(
      expect.objectContaining({ code: 'invalid_parameter', field: 'layers[0].displacement.map', message: expect.stringMatching(/40x30.*20x30/) }),
    );
  });

  it('stops at a deadline already past', () => {
    expect(() => renderMockup(noise(40, 30, 3, 1), [layer()], { deadline: 0 })).toThrow(expect.objectContaining({ code: 'timeout' }));
  });

  it('paints layers in order, each rounded to 8 bits before the next', () => {
    const first = layer({ blendMode: 'multiply', opacity: 0.6 });
    const second = layer({ quad: boxQuad({ x: 12.5, y: 3, width: 20, height: 21, rotation: 17 }), blendMode: 'soft-light', fit: 'cover', image: randomOverlay(random(5), 13, 4, 'any') });
    const base = noise(40, 30, 4, 2, false);
    const together = renderMockup(copy(base), [first, second]);
    const oneByOne = renderMockup(renderMockup(copy(base), [first]), [second]);
    expect(together.data).toEqual(oneByOne.data);
    expect(together.data).not.toEqual(renderMockup(renderMockup(copy(base), [second]), [first]).data);
  });

  it('takes a "base" displacement map from the base as it was before any layer', () => {
    // A flat 128 base moves nothing; had the second layer read the black the first painted, it would move by −strength.
    const base = flat(40, 30, [128, 128, 128]);
    const black: MockupLayerInput = { image: rgba(1, 1, Uint8Array.from([0, 0, 0, 255])), quad: [[0, 0], [40, 0], [40, 30], [0, 30]], fit: 'stretch', blendMode: 'normal', opacity: 1 };
    const displaced = layer({ displacement: { map: 'base', strength: [5, 5], blur: 2 } });
    const expected = renderMockup(copy(base), [black, layer()]);
    expect(renderMockup(copy(base), [black, displaced]).data).toEqual(expected.data);
    expect(renderMockup(copy(base), [black, layer({ displacement: { map: flat(40, 30, [0, 0, 0]), strength: [5, 5], blur: 0 } })]).data).not.toEqual(expected.data);
  });

  it('reads a clip as luma with its alpha flattened onto black, RGB or RGBA alike', () => {
    const base = noise(40, 30, 3, 3);
    const clipped = (clip: Raster) => renderMockup(copy(base), [layer({ clip })]).data;
    expect(clipped(flat(40, 30, [255, 255, 255, 0]))).toEqual(base.data);
    expect(clipped(flat(40, 30, [255, 255, 255, 128]))).toEqual(clipped(flat(40, 30, [128, 128, 128])));
    expect(clipped(flat(40, 30, [90, 200, 30, 255]))).toEqual(clipped(flat(40, 30, [90, 200, 30])));
    expect(clipped(flat(40, 30, [255, 255, 255]))).toEqual(renderMockup(copy(base), [layer()]).data);
  });

  it('ignores a displacement map’s alpha', () => {
    const base = noise(40, 30, 3, 4);
    const map = noise(40, 30, 4, 9, false);
    const opaqueMap = { ...map, data: map.data.map((v, i) => (i % 4 === 3 ? 255 : v)) };
    const displaced = (m: Raster) => renderMockup(copy(base), [layer({ displacement: { map: m, strength: [4, -3], blur: 1.5 } })]).data;
    expect(displaced(map)).toEqual(displaced(opaqueMap));
    expect(displaced(map)).not.toEqual(renderMockup(copy(base), [layer()]).data);
  });

  it('leaves the base as it is when the quad is off it', () => {
    const base = noise(40, 30, 4, 5, false);
    const before = base.data.slice();
    renderMockup(base, [layer({ quad: [[-30, -30], [-5, -30], [-5, -2], [-30, -2]] })]);
    expect(base.data).toEqual(before);
  });
});
