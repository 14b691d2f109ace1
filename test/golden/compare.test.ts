import pixelmatch from 'pixelmatch';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compareImages, compareToExpectation, describeComparison, ImageSizeMismatchError, type ImageComparison } from '../../src/golden/compare.js';
import { describeTolerance, parseTolerance, withinTolerance, type Tolerance } from '../../src/golden/tolerance.js';

const WIDTH = 20;
const HEIGHT = 10;

/** A PNG of a grey ramp, with `changes` applied as [pixel, channel, levels]. */
async function ramp(changes: readonly (readonly [number, number, number])[] = []): Promise<Buffer> {
  const data = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let p = 0; p < WIDTH * HEIGHT; p++) data.set([p % 256, 100, 200, 255], p * 4);
  for (const [pixel, channel, levels] of changes) data[pixel * 4 + channel] = data[pixel * 4 + channel]! + levels;
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).png().toBuffer();
}

/** The same ramp as RGBA pixels. */
async function rampPixels(changes: readonly (readonly [number, number, number])[] = []) {
  const { data, info } = await sharp(await ramp(changes)).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const compared = (comparison: ImageComparison) => {
  if (comparison.kind !== 'compared') throw new Error(describeComparison(comparison));
  return comparison;
};

describe('compareImages', () => {
  it.each([
    { change: 'one level of red in one pixel', changes: [[0, 0, 1]] as const, differing: 1, max: 1, sum: 1 },
    { change: 'one level of alpha in one pixel', changes: [[5, 3, -1]] as const, differing: 1, max: 1, sum: 1 },
    { change: 'six levels of blue in three pixels', changes: [[1, 2, 6], [2, 2, 6], [3, 2, 5]] as const, differing: 3, max: 6, sum: 17 },
  ])('counts $change exactly by default, from encoded images and from pixels alike', async ({ changes, differing, max, sum }) => {
    const expected = { width: WIDTH, height: HEIGHT, diffPixels: differing, differingPixels: differing, maxError: max, meanError: sum / (WIDTH * HEIGHT * 4) };
    expect(await compareImages(await ramp(changes), await ramp())).toEqual(expected);
    expect(await compareImages(await rampPixels(changes), await rampPixels())).toEqual(expected);
    const pixels = await rampPixels(changes);
    expect(await compareImages({ ...pixels, data: new Uint8ClampedArray(pixels.data) }, await ramp())).toEqual(expected);
  });

  it('finds nothing between identical images', async () => {
    expect(await compareImages(await ramp(), await rampPixels())).toEqual({ width: WIDTH, height: HEIGHT, diffPixels: 0, differingPixels: 0, maxError: 0, meanError: 0 });
  });

  it('counts at a threshold exactly the pixels pixelmatch counts with includeAA', async () => {
    // Changes of growing size: a threshold counts only the larger ones.
    const changes = Array.from({ length: 40 }, (_, p) => [p * 5, p % 3, (p % 2 ? 1 : -1) * (1 + p * 2)] as const);
    const [a, b] = [await rampPixels(changes), await rampPixels()];
    for (const threshold of [0, 0.05, 0.1, 0.2, 0.5]) {
      const { diffPixels, differingPixels } = await compareImages(a, b, { threshold });
      expect(diffPixels).toBe(pixelmatch(a.data, b.data, undefined, WIDTH, HEIGHT, { threshold, includeAA: true }));
      expect(differingPixels).toBe(40);
    }
    expect((await compareImages(a, b, { threshold: 0.1 })).diffPixels).toBeGreaterThan(0);
    expect((await compareImages(a, b, { threshold: 0.1 })).diffPixels).toBeLessThan(40);
  });

  it('draws the diff image when asked: red where a pixel counts, elsewhere the first image faded into white', async () => {
    const { diff } = await compareImages(await ramp([[3, 0, 9]]), await ramp(), { diff: true });
    const { data } = await sharp(diff).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(12, 16)]).toEqual([255, 0, 0, 255]);
    // Pixel 0 is (0, 100, 200, 255): luma 81.56, faded by pixelmatch's alpha 0.1 to 237.6.
    expect([...data.subarray(0, 4)]).toEqual([237, 237, 237, 255]);
    expect(await compareImages(await ramp(), await ramp())).not.toHaveProperty('diff');
  });

  it('compares JPEG and WebP on their decoded pixels', async () => {
    const pixels = await rampPixels();
    const raw = { raw: { width: WIDTH, height: HEIGHT, channels: 4 as const } };
    const webp = await sharp(pixels.data, raw).webp({ lossless: true }).toBuffer();
    expect((await compareImages(webp, pixels)).diffPixels).toBe(0);
    const jpeg = await sharp(pixels.data, raw).jpeg({ quality: 90 }).toBuffer();
    const decoded = await sharp(jpeg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect((await compareImages(jpeg, { data: decoded.data, width: WIDTH, height: HEIGHT })).diffPixels).toBe(0);
  });

  it('throws an ImageSizeMismatchError giving both sizes', async () => {
    const small = await sharp({ create: { width: 4, height: 4, channels: 4, background: '#000' } }).png().toBuffer();
    const error = await compareImages(small, await ramp()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageSizeMismatchError);
    expect(error).toMatchObject({ actual: { width: 4, height: 4 }, expected: { width: WIDTH, height: HEIGHT }, message: 'Expected images of one size but received 4x4 and 20x10' });
  });

  it.each([
    [[Buffer.from('not an image'), 'ramp'], /^Expected an image sharp can decode \(PNG, JPEG, WebP, AVIF, GIF, TIFF\) for the first image but could not decode 12 bytes: /],
    [['ramp', { data: new Uint8Array(8), width: 2, height: 2 }], 'Expected 16 bytes of RGBA for the second image (2x2) but received 8'],
    [['ramp', { data: new Uint8Array(0), width: 0, height: 2 }], 'Expected a positive integer for the second image\'s width but received 0'],
    [['ramp', { data: [1, 2, 3, 4], width: 1, height: 1 }], 'Expected a Uint8Array or Uint8ClampedArray for the second image\'s data but received Array'],
    [[null, 'ramp'], 'Expected encoded image bytes, a path or {data, width, height} for the first image but received null'],
    [['ramp', new ArrayBuffer(4)], 'Expected encoded image bytes, a path or {data, width, height} for the second image but received ArrayBuffer'],
    [['ramp', 'ramp', { threshold: 2 }], 'Expected number between 0 and 1 for threshold but received 2'],
    [['ramp', 'ramp', { threshold: '0.1' }], 'Expected number between 0 and 1 for threshold but received "0.1"'],
    [['ramp', 'ramp', { diff: 'yes' }], 'Expected boolean for diff but received "yes"'],
  ] as const)('refuses %j', async (args, message) => {
    const image = await ramp();
    const [a, b, options] = args.map((arg) => (arg === 'ramp' ? image : arg)) as unknown as Parameters<typeof compareImages>;
    await expect(compareImages(a, b, options)).rejects.toThrow(message);
  });
});

describe('compareToExpectation', () => {
  it('counts only what exceeds a threshold, and still reports every difference', async () => {
    const comparison = compared(await compareToExpectation(await ramp([[0, 0, 1]]), await ramp(), 0.1));
    expect(comparison).toMatchObject({ threshold: 0.1, differingPixels: 1, diffPixels: 0, maxError: 1 });
    expect(describeComparison(comparison)).toBe('0 of 200 pixels differ beyond threshold 0.1 (0.000%); 1 differs at all, max channel difference 1, mean 0.0013');
  });

  it('never says that no pixel differs while some channel does', async () => {
    for (const threshold of [undefined, 0, 0.05, 0.1, 0.5, 1]) {
      const line = describeComparison(await compareToExpectation(await ramp([[7, 1, 3]]), await ramp(), threshold));
      expect(line).toMatch(/^1 of 200 pixels differ|; 1 differs at all/);
      expect(line).toMatch(/max channel difference 3/);
    }
  });

  it('reports a size mismatch as a verdict', async () => {
    const small = await sharp({ create: { width: 4, height: 4, channels: 4, background: '#000' } }).png().toBuffer();
    expect(await compareToExpectation(small, await ramp())).toEqual({ kind: 'size-mismatch', actual: { width: 4, height: 4 }, expected: { width: WIDTH, height: HEIGHT } });
  });

  it('draws the diff picture only when first asked for, and the same one each time', async () => {
    const comparison = compared(await compareToExpectation(await ramp([[2, 1, 4]]), await ramp()));
    const png = comparison.diffPng();
    expect(comparison.diffPng()).toBe(png);
    expect(png.equals((await compareImages(await ramp([[2, 1, 4]]), await ramp(), { diff: true })).diff!)).toBe(true);
  });
});

describe('tolerances', () => {
  // Three pixels differ by up to 6 levels: mean 17 / 800 channels.
  const changes = [[1, 2, 6], [2, 2, 6], [3, 2, 5]] as const;
  it.each<[Tolerance, boolean, string]>([
    [{}, false, 'exact'],
    [{ threshold: 0.5 }, true, 'no pixel beyond threshold 0.5'],
    [{ maxDiffPixels: 3 }, true, 'at most 3 pixels'],
    [{ maxDiffPixels: 2 }, false, 'at most 2 pixels'],
    [{ maxDiffRatio: 0.015 }, true, 'at most 1.5% of pixels'],
    [{ maxMeanError: 0.03 }, true, 'mean error at most 0.03'],
    [{ maxMeanError: 0.02 }, false, 'mean error at most 0.02'],
    [{ maxMeanError: 0.03, maxDiffPixels: 2 }, false, 'at most 2 pixels, mean error at most 0.03'],
  ])('%j: within %s (%s)', async (tolerance, within, description) => {
    const comparison = await compareToExpectation(await ramp(changes), await ramp(), tolerance.threshold);
    expect(withinTolerance(comparison, tolerance)).toBe(within);
    expect(describeTolerance(tolerance)).toBe(description);
  });

  it.each([
    [{ threshold: 1.5 }, 'Expected number between 0 and 1 for threshold but received 1.5'],
    [{ maxDiffPixels: -1 }, 'Expected integer of at least 0 for maxDiffPixels but received -1'],
    [{ maxMeanError: '1' }, 'Expected number between 0 and 255 for maxMeanError but received "1"'],
    [{ maxMismatch: 1 }, 'Unknown field maxMismatch: a tolerance takes threshold, maxDiffPixels, maxDiffRatio, maxMeanError'],
    [[], 'Expected an object for tolerance but received []'],
  ])('refuses %j', (input, message) => {
    expect(() => parseTolerance(input)).toThrow(message);
  });
});
