import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cmykToRgb, highBytes, isTiff, jpegComponents } from '../../src/engine/cmyk.js';
import { cmykJpeg, cmykTiff, inkBlocks, PILLOW_CMYK, segment } from './cmyk-files.js';

/** The plain statement of Pillow's CMYK → RGB for one channel. */
const plain = (ink: number, k: number) => Math.round(((255 - ink) * (255 - k)) / 255);

describe('cmykToRgb', () => {
  it.each(PILLOW_CMYK)('gives Pillow pixels: %j → %j', (inks, rgb) => {
    expect([...cmykToRgb(Uint8Array.from(inks), 4, 3)]).toEqual(rgb);
    expect([...cmykToRgb(Uint8Array.from(inks), 4, 4)]).toEqual([...rgb, 255]);
  });

  it('is round((255 − ink)·(255 − K)/255) for every ink and K, in each of C, M and Y', () => {
    // Pixel i has K = i >> 8 and ink i & 255 in C, 255 − that in M, 7·that mod 256 in Y.
    const inks = new Uint8Array(65536 * 4);
    for (let i = 0; i < 65536; i++) inks.set([i & 255, 255 - (i & 255), (7 * i) & 255, i >> 8], i * 4);
    const rgb = cmykToRgb(inks, 4, 3);
    const wrong: [number, number][] = [];
    for (let i = 0; i < 65536; i++) {
      for (let c = 0; c < 3; c++) if (rgb[i * 3 + c] !== plain(inks[i * 4 + c]!, i >> 8)) wrong.push([i, c]);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    [5, 4, [10, 200, 30, 100, 77, 0, 0, 0, 0, 0], [149, 33, 137, 77, 255, 255, 255, 0]],
    [5, 3, [10, 200, 30, 100, 77, 0, 0, 0, 0, 0], [149, 33, 137, 255, 255, 255]],
    [4, 4, [10, 200, 30, 100, 0, 0, 0, 0], [149, 33, 137, 255, 255, 255, 255, 255]],
  ] as const)('takes %i bands to %i channels, a fifth band as alpha', (bands, channels, inks, out) => {
    expect([...cmykToRgb(Uint8Array.from(inks), bands, channels)]).toEqual(out);
  });
});

describe('highBytes', () => {
  it.each([
    [0x0000, 0],
    [0x00ff, 0],
    [0x0100, 1],
    [0x7fff, 127], // 127.5 after dividing by 257: truncated, not rounded
    [0x8080, 128],
    [0xff00, 255],
    [0xffff, 255],
  ])('%i → %i', (sample, byte) => {
    expect([...highBytes(Uint16Array.of(sample))]).toEqual([byte]);
  });
});

const soi = [0xff, 0xd8];
/** A frame header (SOFn) of `components` components, 1x1. */
const frame = (marker: number, components: number) => [0xff, marker, 0, 8 + 3 * components, 8, 0, 1, 0, 1, components, ...Array<number>(3 * components).fill(0x11)];
const app = (marker: number, payload: number[]) => [0xff, marker, 0, payload.length + 2, ...payload];
const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];

describe('jpegComponents', () => {
  it.each([
    ['baseline CMYK', [...soi, ...frame(0xc0, 4), ...sos], 4],
    ['baseline grey', [...soi, ...frame(0xc0, 1), ...sos], 1],
    ['extended RGB', [...soi, ...frame(0xc1, 3), ...sos], 3],
    ['progressive CMYK', [...soi, ...frame(0xc2, 4), ...sos], 4],
    ['arithmetic lossless', [...soi, ...frame(0xcf, 4), ...sos], 4],
    ['after APP segments holding 0xFF bytes', [...soi, ...app(0xe0, [0xff, 0xc0, 0xff]), ...app(0xee, [0x41, 0xff, 0xd9]), ...frame(0xc0, 4), ...sos], 4],
    ['after DHT and DAC, which are not frames', [...soi, ...app(0xc4, [0, 3, 9, 9, 9, 9, 9]), ...app(0xcc, [0, 1]), ...frame(0xc0, 4)], 4],
    ['after fill bytes and a restart marker', [...soi, 0xff, 0xff, 0xff, 0xd3, ...frame(0xc0, 4)], 4],
    ['after junk between segments, which libjpeg skips', [...soi, 0x00, 0x12, ...frame(0xc0, 4)], 4],
    ['with the scan before any frame', [...soi, ...sos, ...frame(0xc0, 4)], undefined],
    ['ending at EOI', [...soi, 0xff, 0xd9, ...frame(0xc0, 4)], undefined],
    ['cut inside the frame header', [...soi, ...frame(0xc0, 4).slice(0, 9)], undefined],
    ['cut inside a length', [...soi, 0xff, 0xe0, 0], undefined],
    ['with no markers after SOI', [...soi], undefined],
    ['a PNG signature', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], undefined],
    ['empty', [], undefined],
  ])('%s', (_name, bytes, components) => {
    expect(jpegComponents(Uint8Array.from(bytes))).toBe(components);
  });

  it('reads what libjpeg reads from JPEGs libvips writes', async () => {
    const { width, height, samples } = inkBlocks([[1, 2, 3, 4]]);
    const cmyk = await cmykJpeg(cmykTiff(width, height, samples));
    const rgb = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).jpeg().toBuffer();
    const grey = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).toColourspace('b-w').jpeg({ progressive: true }).toBuffer();
    const withApp = Buffer.concat([Buffer.from(soi), segment(0xe1, Buffer.alloc(300, 0xff)), cmyk.subarray(2)]);
    expect([cmyk, rgb, grey, withApp].map(jpegComponents)).toEqual([4, 3, 1, 4]);
  });
});

describe('isTiff', () => {
  it.each([
    [[0x49, 0x49, 42, 0], true],
    [[0x4d, 0x4d, 0, 42], true],
    [[0x49, 0x49, 43, 0], true], // BigTIFF
    [[0x4d, 0x4d, 0, 43], true],
    [[0x49, 0x49, 0, 42], false],
    [[0x4d, 0x4d, 42, 0], false],
    [[0xff, 0xd8, 0xff, 0xe0], false],
    [[0x49, 0x49, 42], false],
  ])('%j → %s', (bytes, tiff) => {
    expect(isTiff(Uint8Array.from(bytes))).toBe(tiff);
  });
});
