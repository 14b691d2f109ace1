import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeRgba, decodeWithLibvips } from '../../src/engine/codec.js';
import { decodePng, MAX_ROW_BYTES, readPngLayout } from '../../src/engine/png.js';
import { loadKernels } from '../../src/engine/wasm/kernels.js';
import { goldenBytes } from '../helpers/http.js';
import { expectSharedScratchWithinBudget } from '../helpers/kernels.js';
import { FILTER_TYPES, PNG_SIGNATURE, pngChunk, pngHeader, writePng, type TestPng } from '../helpers/png.js';
import { firstDifference, random, randomBlocks, randomOverlay } from '../helpers/random.js';

/** The oracle: codec.ts's decode through libvips alone. */
const libvipsDecode = (png: Buffer, ensureAlpha: boolean) => decodeWithLibvips(png, { field: 'overlay_image', maxPixels: 1e9 }, ensureAlpha);

/** Decodes through the fast path, which must take the file, and compares with libvips both ways. */
async function expectSameAsLibvips(png: Buffer): Promise<void> {
  for (const ensureAlpha of [false, true]) {
    const decoded = await decodePng(png, ensureAlpha, 1e9);
    expect(decoded, 'the fast path takes it').toBeDefined();
    const wanted = await libvipsDecode(png, ensureAlpha);
    expect({ width: decoded!.width, height: decoded!.height, channels: decoded!.channels }).toEqual({ width: wanted.width, height: wanted.height, channels: wanted.channels });
    expect(firstDifference(decoded!.data, wanted.data), `ensureAlpha ${ensureAlpha}`).toBe(-1);
  }
}

const next = random(7);
const rgbaPixels = (width: number, height: number) => randomOverlay(next, width, height, 'any').data;
const rgbPixels = (width: number, height: number) => rgbaPixels(width, height).filter((_, i) => i % 4 !== 3);
const latin = (text: string) => Buffer.from(text, 'latin1');
const exif = Buffer.from('4d4d002a00000008000101120003000000010006000000000000', 'hex'); // orientation 6

describe('decodePng', () => {
  it('round-trips RGB and RGBA under each filter type alone, all mixed, and in several IDAT chunks', async () => {
    for (const channels of [3, 4] as const) {
      for (const filters of [...FILTER_TYPES.map((f) => [f]), FILTER_TYPES, [4, 4, 2, 1, 3, 0, 4]]) {
        for (const [width, height, idatParts] of [[1, 1, 1], [5, 3, 1], [61, 17, 3], [300, 40, 7]] as const) {
          const pixels = channels === 4 ? rgbaPixels(width, height) : rgbPixels(width, height);
          const decoded = await decodePng(writePng({ width, height, channels, pixels, filters, idatParts }), false, 1e9);
          expect({ channels, filters, width, height, at: firstDifference(decoded!.data, pixels) }).toEqual({ channels, filters, width, height, at: -1 });
        }
      }
    }
  });

  it('widens RGB to opaque RGBA when asked', async () => {
    const pixels = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const decoded = await decodePng(writePng({ width: 5, height: 1, channels: 3, pixels }), true, 1e9);
    expect([decoded!.channels, ...decoded!.data]).toEqual([4, 1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255, 13, 14, 15, 255]);
  });

  it('gives the pixels libvips gives, on the golden PNGs it takes and on PNGs that sharp writes', async () => {
    for (const name of ['test-pattern.png', 'noise-97x61.png', 'stripe-800x5.png']) await expectSameAsLibvips(goldenBytes(name));
    const art = randomBlocks(next, 333, 211, 'edges', 40, 90);
    for (const options of [{ compressionLevel: 0 }, { compressionLevel: 9, adaptiveFiltering: true }, { compressionLevel: 6, adaptiveFiltering: false }]) {
      await expectSameAsLibvips(await sharp(art.data, { raw: { width: 333, height: 211, channels: 4 } }).png(options).toBuffer());
      await expectSameAsLibvips(await sharp(art.data, { raw: { width: 333, height: 211, channels: 4 } }).removeAlpha().png(options).toBuffer());
    }
  });

  it('takes metadata chunks that libvips decodes past, and gives the same pixels', async () => {
    const pixels = rgbaPixels(37, 23);
    const p3 = await sharp(pixels, { raw: { width: 37, height: 23, channels: 4 } }).withIccProfile('p3').png().toBuffer();
    const iccp = chunksOf(p3).find((chunk) => chunk.toString('latin1', 4, 8) === 'iCCP')!;
    const metadata = {
      iCCP: iccp,
      gAMA: pngChunk('gAMA', Uint8Array.from([0, 1, 0x86, 0xa0])),
      cHRM: pngChunk('cHRM', new Uint8Array(32).fill(7)),
      sRGB: pngChunk('sRGB', Uint8Array.from([0])),
      sBIT: pngChunk('sBIT', Uint8Array.from([3, 2, 5, 1])),
      bKGD: pngChunk('bKGD', Uint8Array.from([0, 255, 0, 0, 0, 0])),
      pHYs: pngChunk('pHYs', Uint8Array.from([0, 0, 11, 19, 0, 0, 11, 19, 1])),
      tIME: pngChunk('tIME', Uint8Array.from([7, 234, 11, 21, 12, 0, 0])),
      tEXt: pngChunk('tEXt', latin('Comment\0hello')),
      zTXt: pngChunk('zTXt', Buffer.concat([latin('Comment\0\0'), deflateSync('hello')])),
      iTXt: pngChunk('iTXt', latin('Comment\0\0\0\0\0hello')),
      // ImageMagick's way to carry EXIF, which libvips does not read: the orientation is not applied.
      rawExif: pngChunk('tEXt', latin(`Raw profile type exif\0\nexif\n${String(exif.length + 6).padStart(8)}\n457869660000${exif.toString('hex')}\n`)),
    };
    for (const [name, chunk] of Object.entries(metadata)) {
      const png = writePng({ width: 37, height: 23, channels: 4, pixels, chunks: [chunk] });
      await expectSameAsLibvips(png);
      expect(firstDifference((await decodePng(png, false, 1e9))!.data, pixels), name).toBe(-1);
    }
  });

  it('decodes concurrent files independently, though they share the kernels', async () => {
    const images: TestPng[] = [[211, 97, 4], [64, 300, 3], [1200, 30, 4], [7, 7, 3]].map(([width, height, channels]) => ({
      width: width!,
      height: height!,
      channels: channels as 3 | 4,
      pixels: channels === 4 ? rgbaPixels(width!, height!) : rgbPixels(width!, height!),
    }));
    const decoded = await Promise.all(images.map((image) => decodePng(writePng(image), false, 1e9)));
    decoded.forEach((raster, i) => expect(firstDifference(raster!.data, images[i]!.pixels), `image ${i}`).toBe(-1));
  });

  it(`keeps the shared kernel scratch within budget for rows of up to ${MAX_ROW_BYTES} bytes`, async () => {
    const width = MAX_ROW_BYTES / 4;
    const rgb = writePng({ width, height: 3, channels: 3, pixels: new Uint8Array(width * 9).fill(9) });
    expect((await decodePng(rgb, true, 1e9))!.data.every((v, i) => v === (i % 4 === 3 ? 255 : 9))).toBe(true);
    const tooWide = writePng({ width: width + 1, height: 1, channels: 4, pixels: new Uint8Array((width + 1) * 4) });
    expect(await decodePng(tooWide, false, 1e9)).toBeUndefined();
    expectSharedScratchWithinBudget(loadKernels());
  });
});

/** The chunks of a PNG, each whole: length, type, data and CRC. */
function chunksOf(png: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; at += 12 + png.readUInt32BE(at)) chunks.push(png.subarray(at, at + 12 + png.readUInt32BE(at)));
  return chunks;
}

describe('decodePng leaves to libvips', () => {
  const width = 9;
  const height = 4;
  const pixels = rgbaPixels(width, height);
  const plain = writePng({ width, height, channels: 4, pixels });
  const [header, idat, end] = chunksOf(plain) as [Buffer, Buffer, Buffer];
  const rows = (filtered: Uint8Array) => pngChunk('IDAT', deflateSync(filtered));
  const stored = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.concat([Uint8Array.from([0]), pixels.subarray(y * width * 4, (y + 1) * width * 4)])));
  const withCrcBroken = Buffer.from(plain);
  withCrcBroken.writeUInt8(withCrcBroken.readUInt8(withCrcBroken.length - 13) ^ 1, withCrcBroken.length - 13); // the IDAT's CRC
  const source = () => sharp(pixels, { raw: { width, height, channels: 4 } });
  const made = (pipeline: ReturnType<typeof source>) => pipeline.toBuffer();

  const cases: Record<string, () => Promise<Buffer> | Buffer> = {
    'a JPEG': () => made(source().jpeg()),
    'grey': () => made(source().removeAlpha().toColourspace('b-w').png()),
    'grey with alpha': () => made(source().toColourspace('b-w').png()),
    'a palette': () => made(source().png({ palette: true })),
    '16 bits a sample': () => made(source().toColourspace('rgb16').png()),
    'interlacing': () => made(source().png({ progressive: true })),
    'an eXIf chunk (orientation)': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('eXIf', exif), idat, end]),
    'a tRNS chunk': () => Buffer.concat([PNG_SIGNATURE, pngHeader(width, height, 8, 2), pngChunk('tRNS', Uint8Array.from([0, 1, 0, 2, 0, 3])), rows(new Uint8Array(height * (width * 3 + 1))), end]),
    'a suggested palette': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('PLTE', Uint8Array.from([1, 2, 3])), idat, end]),
    'an unknown chunk': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('prVt', latin('x')), idat, end]),
    'an APNG': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('acTL', Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 0])), idat, end]),
    'a wrong CRC': () => withCrcBroken,
    'a truncated file': () => plain.subarray(0, plain.length - 20),
    'bytes after IEND': () => Buffer.concat([plain, latin('trailing')]),
    'no IEND': () => plain.subarray(0, plain.length - 12),
    'IDATs split by another chunk': () => {
      const stream = deflateSync(stored);
      return Buffer.concat([PNG_SIGNATURE, header, pngChunk('IDAT', stream.subarray(0, 10)), pngChunk('tEXt', latin('a\0b')), pngChunk('IDAT', stream.subarray(10)), end]);
    },
    'a row too few': () => Buffer.concat([PNG_SIGNATURE, header, rows(stored.subarray(0, stored.length - width * 4 - 1)), end]),
    'a row too many': () => Buffer.concat([PNG_SIGNATURE, header, rows(Buffer.concat([stored, stored.subarray(0, width * 4 + 1)])), end]),
    // 32 MiB of zeros after the rows: the decoder stops inflating one byte past them.
    'a stream inflating far past its rows': () => Buffer.concat([PNG_SIGNATURE, header, rows(Buffer.concat([stored, Buffer.alloc(32 << 20)])), end]),
    'bytes after the zlib stream': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('IDAT', Buffer.concat([deflateSync(stored), latin('junk')])), end]),
    'a corrupt zlib stream': () => Buffer.concat([PNG_SIGNATURE, header, pngChunk('IDAT', deflateSync(stored).subarray(0, 30)), end]),
    'filter type 5': () => Buffer.concat([PNG_SIGNATURE, header, rows(Uint8Array.from(stored, (v, i) => (i === (width * 4 + 1) * 2 ? 5 : v))), end]),
  };

  for (const [name, make] of Object.entries(cases)) {
    it(`${name}, with the same outcome as libvips alone`, async () => {
      const png = await make();
      expect(await decodePng(png, false, 1e9)).toBeUndefined();
      const wanted = await libvipsDecode(png, false).catch(() => 'refused');
      const got = await decodeImage(png, { field: 'overlay_image', maxPixels: 1e9 }).catch((error: Error) => {
        expect(error.message).toMatch(/^Expected a decodable .* for overlay_image but it could not be decoded/);
        return 'refused';
      });
      if (typeof wanted === 'string' || typeof got === 'string') expect(got).toBe(wanted);
      else expect(firstDifference(got.data, wanted.data)).toBe(-1);
    });
  }

  it('an image over the pixel limit, which libvips then refuses with its size', async () => {
    expect(await decodePng(plain, false, width * height - 1)).toBeUndefined();
    await expect(decodeRgba(plain, { field: 'mask', maxPixels: width * height - 1 })).rejects.toThrow(`Expected an image of at most ${width * height - 1} pixels for mask but received 9x4 = 36 pixels`);
  });

  it('takes the same file once it is whole and plain', async () => {
    expect(readPngLayout(plain)).toMatchObject({ width, height, bpp: 4 });
    expect(firstDifference((await decodePng(plain, false, 1e9))!.data, pixels)).toBe(-1);
  });
});
