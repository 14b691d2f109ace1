import { PNG } from 'pngjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeRgba, encodeImage } from '../../src/engine/codec.js';
import { ImageError } from '../../src/engine/errors.js';
import { animated } from '../helpers/hostile.js';
import { pixels } from '../helpers/images.js';
import { cmykJpeg, cmykTiff, iccSegments, inkBlocks, PILLOW_CMYK, rewriteJpeg, segment } from './cmyk-files.js';

const options = { field: 'base_image', maxPixels: 1_000_000 };

describe('decodeImage', () => {
  it('applies EXIF orientation', async () => {
    // A 2x1 image, left red and right blue, tagged "mirror horizontal" (orientation 2).
    const raw = Uint8Array.from([255, 0, 0, 0, 0, 255]);
    const jpegless = await sharp(raw, { raw: { width: 2, height: 1, channels: 3 } }).png().withMetadata({ orientation: 2 }).toBuffer();
    const decoded = await decodeImage(jpegless, options);
    expect([...decoded.data]).toEqual([0, 0, 255, 255, 0, 0]);
  });

  it('swaps width and height for orientation 6', async () => {
    const image = await sharp({ create: { width: 4, height: 2, channels: 3, background: 'white' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const decoded = await decodeImage(image, options);
    expect([decoded.width, decoded.height]).toEqual([2, 4]);
  });

  it('keeps an RGB base at 3 channels and an alpha base at 4', async () => {
    const rgb = await sharp({ create: { width: 1, height: 1, channels: 3, background: 'red' } }).png().toBuffer();
    const withAlpha = await sharp({ create: { width: 1, height: 1, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toBuffer();
    expect((await decodeImage(rgb, options)).channels).toBe(3);
    expect([...(await decodeImage(withAlpha, options)).data]).toEqual([1, 2, 3, 128]);
  });

  it('converts grey, grey+alpha, 16-bit, palette and CMYK inputs to 8-bit sRGB', async () => {
    const grey = await sharp(Uint8Array.from([7, 200]), { raw: { width: 2, height: 1, channels: 1 } }).png().toBuffer();
    expect([...(await decodeImage(grey, options)).data]).toEqual([7, 7, 7, 200, 200, 200]);

    const greyAlpha = await sharp(Uint8Array.from([7, 100]), { raw: { width: 1, height: 1, channels: 2 } }).png().toBuffer();
    expect([...(await decodeRgba(greyAlpha, options)).data]).toEqual([7, 7, 7, 100]);

    const sixteen = await sharp(Uint16Array.from([65535, 0, 32896]), { raw: { width: 1, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    expect([...(await decodeImage(sixteen, options)).data]).toEqual([255, 0, 128]);

    const palette = await sharp({ create: { width: 2, height: 2, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png({ palette: true }).toBuffer();
    expect((await sharp(palette).metadata()).isPalette).toBe(true);
    expect([...(await decodeImage(palette, options)).data.subarray(0, 3)]).toEqual([10, 200, 30]);

    const cmyk = await sharp({ create: { width: 2, height: 2, channels: 3, background: 'white' } }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    expect([...(await decodeImage(cmyk, options)).data]).toEqual(Array<number>(12).fill(255));
  });

  it('does not apply an embedded ICC profile: pixel values come as stored', async () => {
    const raw = Uint8Array.from([200, 100, 50]);
    const tagged = await sharp(raw, { raw: { width: 1, height: 1, channels: 3 } }).withIccProfile('p3').png().toBuffer();
    expect((await sharp(tagged).metadata()).icc).toBeDefined();
    // pngjs knows nothing of colour profiles: it reads the stored values.
    const stored = PNG.sync.read(tagged).data.subarray(0, 3);
    const colourManaged = (await sharp(tagged).toColourspace('srgb').raw().toBuffer()).subarray(0, 3);
    expect([...stored]).not.toEqual([...colourManaged]);
    expect([...(await decodeImage(tagged, options)).data]).toEqual([...stored]);
  });

  it('gives every overlay an alpha channel, opaque when the file has none', async () => {
    const rgb = await sharp({ create: { width: 1, height: 1, channels: 3, background: 'blue' } }).png().toBuffer();
    expect([...(await decodeRgba(rgb, options)).data]).toEqual([0, 0, 255, 255]);
  });

  it('takes the first frame of an animated GIF or WebP', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const decoded = await decodeRgba(await animated(format), options);
      expect([decoded.width, decoded.height]).toEqual([8, 8]);
      // Frame one is red, frame two blue (lossy WebP may move a level).
      expect(decoded.data[0]).toBeGreaterThan(250);
      expect(decoded.data[2]).toBeLessThan(5);
    }
  });

  it('wraps undecodable bytes as a 400 naming the field, with the cause', async () => {
    const error = await decodeImage(Buffer.from('not an image'), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect(error).toMatchObject({ code: 'invalid_image', field: 'base_image' });
    expect((error as Error).message).toMatch(/base_image/);
    expect((error as Error).cause).toBeDefined();
  });

  it('refuses an image over the pixel limit, naming the limit, before decoding it', async () => {
    const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: 'white' } }).png().toBuffer();
    const error = await decodeImage(big, { field: 'overlay_image', maxPixels: 1_000_000, limitName: 'limits.maxInputPixels' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large', field: 'overlay_image', message: expect.stringContaining('at most 1000000 pixels (limits.maxInputPixels) for overlay_image but received 2000x1000') });
  });
});

describe('decoding CMYK', () => {
  // One 8x8 block per ink of PILLOW_CMYK; the decode must give Pillow's RGB for each, whatever the container.
  const { width, height, samples } = inkBlocks(PILLOW_CMYK.map(([inks]) => inks));
  const pillowPixels = (channels: 3 | 4) =>
    Array.from({ length: width * height }, (_, i) => {
      const rgb = PILLOW_CMYK[(i % width) >> 3]![1];
      return channels === 4 ? [...rgb, 255] : rgb;
    }).flat();
  const tiff = cmykTiff(width, height, samples);
  const jpeg = () => cmykJpeg(tiff);
  const exifOrientation6 = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from('4d4d002a00000008000101120003000000010006000000000000', 'hex')]);
  /** sharp's own CMYK profile, as a Photoshop file would embed one. */
  const cmykProfile = async () => {
    const tagged = await sharp({ create: { width: 1, height: 1, channels: 3, background: 'white' } }).toColourspace('cmyk').withIccProfile('cmyk').jpeg().toBuffer();
    return (await sharp(tagged).metadata()).icc!;
  };

  it.each([
    ['an 8-bit TIFF, little-endian', async () => tiff],
    ['an 8-bit TIFF, big-endian', async () => cmykTiff(width, height, samples, { bigEndian: true })],
    ['a 16-bit TIFF, whose high bytes Pillow reads', async () => cmykTiff(width, height, Uint16Array.from(samples, (ink, i) => ink * 256 + ((i * 37) & 255)))],
    ['a JPEG with the Adobe marker (inverted inks)', jpeg],
    ['a progressive JPEG', () => cmykJpeg(tiff, { progressive: true })],
    ['a JPEG without the Adobe marker, inverted all the same', async () => rewriteJpeg(await jpeg(), (marker) => marker !== 0xee)],
    [
      'a JPEG with an embedded CMYK profile, not applied',
      async () => rewriteJpeg(await jpeg(), () => true, iccSegments(await cmykProfile())),
    ],
  ])('gives Pillow\'s RGB from %s', async (_name, make) => {
    const file = await make();
    const base = await decodeImage(file, options);
    expect({ channels: base.channels, width: base.width, height: base.height }).toEqual({ channels: 3, width, height });
    expect([...base.data]).toEqual(pillowPixels(3));
    expect([...(await decodeRgba(file, options)).data]).toEqual(pillowPixels(4));
  });

  it('is not what either profile gives: the embedded one, or the one sharp falls back on', async () => {
    const profile = await cmykProfile();
    const profiled = rewriteJpeg(await jpeg(), () => true, iccSegments(profile));
    expect((await sharp(profiled).metadata()).icc?.length).toBe(profile.length);
    const embedded = await sharp(profiled).toColourspace('srgb').raw().toBuffer();
    const fallback = await sharp(await jpeg(), { ignoreIcc: true }).toColourspace('srgb').raw().toBuffer();
    expect([...embedded]).not.toEqual(pillowPixels(3));
    expect([...fallback]).not.toEqual(pillowPixels(3));
  });

  it('applies EXIF orientation to a CMYK JPEG', async () => {
    // Two blocks side by side, turned a quarter clockwise: the left block ends on top.
    const two = inkBlocks([PILLOW_CMYK[2]![0], PILLOW_CMYK[9]![0]]);
    const oriented = rewriteJpeg(await cmykJpeg(cmykTiff(two.width, two.height, two.samples)), () => true, [segment(0xe1, exifOrientation6)]);
    const decoded = await decodeImage(oriented, options);
    expect([decoded.width, decoded.height]).toEqual([8, 16]);
    expect([...decoded.data]).toEqual([...Array<number[]>(64).fill([...PILLOW_CMYK[2]![1]]), ...Array<number[]>(64).fill([...PILLOW_CMYK[9]![1]])].flat());
  });

  it('keeps a fifth band as alpha (a file Pillow does not open)', async () => {
    const file = cmykTiff(2, 1, Uint8Array.from([10, 200, 30, 100, 77, 0, 0, 0, 0, 0]), { alpha: true });
    const base = await decodeImage(file, options);
    expect(base.channels).toBe(4);
    expect([...base.data]).toEqual([149, 33, 137, 77, 255, 255, 255, 0]);
  });
});

describe('encodeImage', () => {
  const transparentRed = { width: 1, height: 1, channels: 4 as const, data: Uint8Array.from([255, 0, 0, 0]) };

  it('flattens alpha onto white for JPEG', async () => {
    const out = await pixels(await encodeImage(transparentRed, { format: 'jpeg', quality: 95 }));
    expect(out.channels).toBe(3);
    expect(Math.min(...out.data)).toBeGreaterThan(250);
  });

  it('keeps alpha in PNG and WebP', async () => {
    for (const format of ['png', 'webp'] as const) {
      const encoded = await encodeImage(transparentRed, { format, quality: 95 });
      expect((await sharp(encoded).metadata()).format).toBe(format);
      expect((await pixels(encoded)).channels).toBe(4);
    }
  });

  it('writes JPEG with the standard Huffman tables, as Pillow does by default, not optimised ones', async () => {
    // Counts of codes per length (1–16 bits) of the tables in ITU T.81 Annex K.3.
    const standard = {
      '0:0': [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
      '0:1': [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
      '1:0': [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
      '1:1': [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
    };
    const image = { width: 64, height: 64, channels: 3 as const, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i % 192 < 96 ? 40 : 200)) };
    const jpeg = await encodeImage(image, { format: 'jpeg', quality: 95 });
    const tables: Record<string, number[]> = {};
    // Walk the marker segments up to the scan; each DHT (0xFFC4) holds one or more tables.
    for (let at = 2; jpeg[at] === 0xff && jpeg[at + 1] !== 0xda; at += 2 + jpeg.readUInt16BE(at + 2)) {
      if (jpeg[at + 1] !== 0xc4) continue;
      const end = at + 2 + jpeg.readUInt16BE(at + 2);
      for (let t = at + 4; t < end; ) {
        const counts = [...jpeg.subarray(t + 1, t + 17)];
        tables[`${jpeg[t]! >> 4}:${jpeg[t]! & 15}`] = counts;
        t += 17 + counts.reduce((a, b) => a + b, 0);
      }
    }
    expect(tables).toEqual(standard);
  });

  it('uses image_quality for lossy formats', async () => {
    const noise = { width: 64, height: 64, channels: 3 as const, data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251) };
    const low = await encodeImage(noise, { format: 'jpeg', quality: 10 });
    const high = await encodeImage(noise, { format: 'jpeg', quality: 100 });
    expect(low.length).toBeLessThan(high.length);
  });
});
