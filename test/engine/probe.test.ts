import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { probeImage, readImageHeader } from '../../src/engine/probe.js';
import { pngWithHeader } from '../helpers/hostile.js';
import { solidPng } from '../helpers/images.js';

const encoded = (format: 'jpeg' | 'webp' | 'avif' | 'tiff' | 'gif', width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#369' } })[format]().toBuffer();

describe('readImageHeader', () => {
  it.each([
    ['jpeg', 'jpeg'],
    ['webp', 'webp'],
    ['avif', 'heif'],
    ['tiff', 'tiff'],
    ['gif', 'gif'],
  ] as const)('reads a %s header', async (format, named) => {
    expect(await readImageHeader(await encoded(format, 37, 21))).toEqual({ width: 37, height: 21, format: named });
  });

  it('reads a PNG IHDR without decoding, however large it declares itself', async () => {
    expect(await readImageHeader(await solidPng(5, 3, { r: 1, g: 2, b: 3 }))).toEqual({ width: 5, height: 3, format: 'png' });
    expect(await readImageHeader(pngWithHeader(70_000, 70_000))).toEqual({ width: 70_000, height: 70_000, format: 'png' });
  });

  it.each(['jpeg', 'png'] as const)('gives a %s the size the decoder gives it, EXIF orientation applied', async (format) => {
    const turned = await sharp({ create: { width: 40, height: 10, channels: 3, background: '#123' } }).withMetadata({ orientation: 6 })[format]().toBuffer();
    expect(await readImageHeader(turned)).toMatchObject({ width: 10, height: 40, format });
  });

  it('gives undefined for bytes no header can be read from', async () => {
    expect(await readImageHeader(Buffer.from('not an image at all'))).toBeUndefined();
  });
});

describe('probeImage', () => {
  it('refuses from the header, worded as the decoder words it', async () => {
    await expect(probeImage(pngWithHeader(70_000, 70_000), 'overlay_image', { maxPixels: 1000, limitName: 'SUPERIMPOSE_MAX_INPUT_PIXELS' })).rejects.toMatchObject({
      code: 'too_large',
      field: 'overlay_image',
      message: 'Expected an image of at most 1000 pixels (SUPERIMPOSE_MAX_INPUT_PIXELS) for overlay_image but received 70000x70000 = 4900000000 pixels',
    });
  });

  it('passes an image at the limit', async () => {
    expect(await probeImage(await encoded('jpeg', 40, 25), 'base_image', { maxPixels: 1000 })).toEqual({ width: 40, height: 25, format: 'jpeg' });
  });
});
