import { describe, expect, it } from 'vitest';
import { DecodedImageCache } from '../../src/runtime/decoded-cache.js';
import type { Raster } from '../../src/engine/raster.js';

const raster = (): Raster => ({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) });

describe('DecodedImageCache', () => {
  it('decodes a planned shared input once and drops it after its last use', async () => {
    const cache = new DecodedImageCache();
    cache.plan([
      { base_image: 'shirt.jpg', overlay_image: 'a.png' },
      { base_image: 'shirt.jpg', overlay_image: 'b.png' },
      { base_image: 'shirt.jpg', overlay_image: 'a.png', mask: 'a.png' },
    ]);
    let decodes = 0;
    const decode = async () => (decodes++, raster());
    await cache.get('base_image', 'shirt.jpg', decode);
    await cache.get('base_image', 'shirt.jpg', decode);
    expect(cache.size).toBe(1);
    await cache.get('base_image', 'shirt.jpg', decode);
    expect(decodes).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('never keeps an input used once, and keys a base apart from an overlay of the same file', async () => {
    const cache = new DecodedImageCache();
    cache.plan([{ base_image: 'x.png', overlay_image: 'x.png' }]);
    let decodes = 0;
    const decode = async () => (decodes++, raster());
    await cache.get('base_image', 'x.png', decode);
    await cache.get('overlay_image', 'x.png', decode);
    expect(decodes).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('does not keep a failed decode', async () => {
    const cache = new DecodedImageCache();
    await expect(cache.get('mask', 'm.png', async () => Promise.reject(new Error('bad')))).rejects.toThrow('bad');
    await expect(cache.get('mask', 'm.png', async () => raster())).resolves.toBeDefined();
  });
});

describe('shared bases', () => {
  it('hand out private copies, since compositing draws on the base', async () => {
    const cache = new DecodedImageCache();
    cache.plan([{ base_image: 'b.jpg' }, { base_image: 'b.jpg' }]);
    const first = await cache.get('base_image', 'b.jpg', async () => raster());
    first.data[0] = 99;
    const second = await cache.get('base_image', 'b.jpg', async () => raster());
    expect(second.data[0]).toBe(0);
  });
});

describe('mockup fields', () => {
  it('share a design, a clip and an overlay of one file, and keep a base and a displacement map of it apart', async () => {
    const cache = new DecodedImageCache();
    const request = (design: string) => [
      { field: 'base_image', source: 'shirt.png' },
      { field: 'layers[0].image', source: design },
      { field: 'layers[0].clip', source: 'shirt.png' },
      { field: 'layers[1].image', source: 'shirt.png' },
      { field: 'layers[1].displacement.map', source: 'shirt.png' },
    ];
    cache.planUses([...request('a.png'), ...request('b.png')]);
    const decoded: string[] = [];
    const decode = (field: string) => async () => (decoded.push(field), raster());
    for (const uses of [request('a.png'), request('b.png')]) {
      for (const { field, source } of uses) await cache.get(field, source, decode(field));
    }
    expect(decoded).toEqual(['base_image', 'layers[0].image', 'layers[0].clip', 'layers[1].displacement.map', 'layers[0].image']);
    expect(cache.size).toBe(0);
  });
});
