import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compareImages, describeComparison, type ImageComparison } from '../../src/golden/compare.js';
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

const compared = (comparison: ImageComparison) => {
  if (comparison.kind !== 'compared') throw new Error(describeComparison(comparison));
  return comparison;
};

describe('compareImages', () => {
  it.each([
    { change: 'one level of red in one pixel', changes: [[0, 0, 1]] as const, differing: 1, max: 1 },
    { change: 'one level of alpha in one pixel', changes: [[5, 3, -1]] as const, differing: 1, max: 1 },
    { change: 'six levels of blue in three pixels', changes: [[1, 2, 6], [2, 2, 6], [3, 2, 5]] as const, differing: 3, max: 6 },
  ])('counts $change by default', async ({ changes, differing, max }) => {
    const comparison = compared(await compareImages(await ramp(changes), await ramp()));
    expect(comparison).toMatchObject({ threshold: 0, differingPixels: differing, mismatchedPixels: differing, maxChannelError: max });
    expect(withinTolerance(comparison, {})).toBe(false);
  });

  it('counts only what exceeds a threshold, and still reports every difference', async () => {
    const comparison = compared(await compareImages(await ramp([[0, 0, 1]]), await ramp(), 0.1));
    expect(comparison).toMatchObject({ threshold: 0.1, differingPixels: 1, mismatchedPixels: 0, maxChannelError: 1 });
    expect(describeComparison(comparison)).toBe('0 of 200 pixels differ beyond threshold 0.1 (0.000%); 1 differs at all, max channel difference 1, mean 0.0013');
  });

  it('never says that no pixel differs while some channel does', async () => {
    for (const threshold of [0, 0.05, 0.1, 0.5, 1]) {
      const line = describeComparison(await compareImages(await ramp([[7, 1, 3]]), await ramp(), threshold));
      expect(line).toMatch(/^1 of 200 pixels differ|; 1 differs at all/);
      expect(line).toMatch(/max channel difference 3/);
    }
  });

  it('reports a size mismatch as such', async () => {
    const small = await sharp({ create: { width: 4, height: 4, channels: 4, background: '#000' } }).png().toBuffer();
    expect(await compareImages(small, await ramp())).toEqual({ kind: 'size-mismatch', actual: { width: 4, height: 4 }, expected: { width: WIDTH, height: HEIGHT } });
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
    const comparison = await compareImages(await ramp(changes), await ramp(), tolerance.threshold);
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
