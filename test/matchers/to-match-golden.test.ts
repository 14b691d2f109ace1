import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toMatchGolden, type GoldenMatcherContext, type GoldenOptions } from '../../src/matchers/index.js';

const WIDTH = 16;
const HEIGHT = 8;
type Change = readonly [pixel: number, channel: number, levels: number];

/** A PNG (or JPEG, WebP) of a colour ramp, with `changes` applied as [pixel, channel, levels]. */
async function ramp(changes: readonly Change[] = [], { format = 'png', width = WIDTH }: { format?: 'png' | 'jpeg' | 'webp'; width?: number } = {}): Promise<Buffer> {
  const data = Buffer.alloc(width * HEIGHT * 4);
  for (let p = 0; p < width * HEIGHT; p++) data.set([(p * 13) % 256, 100, 200, 255], p * 4);
  for (const [pixel, channel, levels] of changes) data[pixel * 4 + channel] = data[pixel * 4 + channel]! + levels;
  return sharp(data, { raw: { width, height: HEIGHT, channels: 4 } }).toFormat(format).toBuffer();
}

const rgba = async (image: Buffer | string) => sharp(image, { ignoreIcc: true }).ensureAlpha().raw().toBuffer();

let dir: string;
let context: GoldenMatcherContext;
const golden = (name: string) => join(dir, '__goldens__', `${name}.png`);
const results = (name: string) => ({ actual: join(dir, '__goldens__', '__results__', `${name}.actual.png`), diff: join(dir, '__goldens__', '__results__', `${name}.diff.png`) });
const putGolden = (name: string, image: Buffer) => {
  mkdirSync(join(dir, '__goldens__'), { recursive: true });
  writeFileSync(golden(name), image);
};
const match = (image: unknown, name: string, options?: GoldenOptions, ctx: GoldenMatcherContext = context) => toMatchGolden.call(ctx, image, name, options);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'golden-matcher-'));
  context = { testPath: join(dir, 'image.test.ts'), isNot: false };
  // The outcome depends on these; the suite itself may run under CI.
  vi.stubEnv('CI', '');
  vi.stubEnv('UPDATE_GOLDEN', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('toMatchGolden against an existing golden', () => {
  it.each<{ case: string; changes: readonly Change[]; options?: GoldenOptions; pass: boolean }>([
    { case: 'the same pixels, exactly', changes: [], pass: true },
    { case: 'one level of one pixel, exactly', changes: [[3, 0, 1]], pass: false },
    { case: 'one level of alpha, exactly', changes: [[3, 3, -1]], pass: false },
    { case: 'one level of one pixel, maxDiffPixels 1', changes: [[3, 0, 1]], options: { maxDiffPixels: 1 }, pass: true },
    { case: 'two pixels, maxDiffPixels 1', changes: [[3, 0, 1], [4, 1, 1]], options: { maxDiffPixels: 1 }, pass: false },
    { case: 'one level of one pixel, threshold 0.1', changes: [[3, 0, 1]], options: { threshold: 0.1 }, pass: true },
    { case: '150 levels of one pixel, threshold 0.1', changes: [[3, 1, 150]], options: { threshold: 0.1 }, pass: false },
    { case: '150 levels of one pixel, threshold 0.1, maxDiffPixels 1', changes: [[3, 1, 150]], options: { threshold: 0.1, maxDiffPixels: 1 }, pass: true },
    { case: 'one pixel of 128, maxDiffPixelRatio 1/128', changes: [[3, 0, 1]], options: { maxDiffPixelRatio: 1 / 128 }, pass: true },
    { case: 'one pixel of 128, maxDiffPixelRatio 0.005', changes: [[3, 0, 1]], options: { maxDiffPixelRatio: 0.005 }, pass: false },
    // One level of one channel over 16x8x4 channels: a mean error of 1/512.
    { case: 'mean error 1/512, maxMeanError 0.002', changes: [[3, 0, 1]], options: { maxMeanError: 0.002 }, pass: true },
    { case: 'mean error 1/512, maxMeanError 0.001', changes: [[3, 0, 1]], options: { maxMeanError: 0.001 }, pass: false },
    { case: 'each bound given must hold', changes: [[3, 0, 1]], options: { maxDiffPixels: 5, maxMeanError: 0.001 }, pass: false },
  ])('$case: pass $pass', async ({ changes, options, pass }) => {
    putGolden('ramp', await ramp());
    const outcome = await match(await ramp(changes), 'ramp', options);
    expect(outcome.pass, outcome.message()).toBe(pass);
    expect(existsSync(results('ramp').actual)).toBe(!pass);
    expect(existsSync(results('ramp').diff)).toBe(!pass);
  });

  it('names the figures and the files it wrote when it fails', async () => {
    putGolden('ramp', await ramp());
    const outcome = await match(await ramp([[3, 0, 1]]), 'ramp');
    expect(outcome.pass).toBe(false);
    const message = outcome.message();
    expect(message).toContain('1 of 128 pixels differ (0.781%), max channel difference 1, mean 0.0020; allowed: exact.');
    expect(message).toContain(`golden: ${golden('ramp')}`);
    expect(message).toContain(`actual: ${results('ramp').actual}`);
    expect(message).toContain(`diff:   ${results('ramp').diff}`);
    expect(message).toContain('UPDATE_GOLDEN=1');
    expect(await rgba(results('ramp').actual)).toEqual(await rgba(await ramp([[3, 0, 1]])));
    expect((await sharp(results('ramp').diff).metadata()).format).toBe('png');
  });

  it('removes the results of a failure once the image matches again', async () => {
    putGolden('ramp', await ramp());
    expect((await match(await ramp([[3, 0, 1]]), 'ramp')).pass).toBe(false);
    expect((await match(await ramp(), 'ramp')).pass).toBe(true);
    expect(existsSync(results('ramp').actual) || existsSync(results('ramp').diff)).toBe(false);
  });

  it('fails a size mismatch with both sizes', async () => {
    putGolden('ramp', await ramp());
    const outcome = await match(await ramp([], { width: 17 }), 'ramp');
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toContain('size 17x8 where 16x8 was expected');
    expect(outcome.message()).toContain(results('ramp').actual);
  });
});

describe('toMatchGolden without a golden', () => {
  it('writes the golden as PNG from the decoded pixels and passes', async () => {
    const outcome = await match(await ramp(), 'fresh');
    expect(outcome.pass).toBe(true);
    expect((await sharp(golden('fresh')).metadata()).format).toBe('png');
    expect(await rgba(golden('fresh'))).toEqual(await rgba(await ramp()));
    expect((await match(await ramp(), 'fresh')).pass).toBe(true);
  });

  it('fails under CI with "missing golden" and its path, writing nothing', async () => {
    vi.stubEnv('CI', '1');
    const outcome = await match(await ramp(), 'fresh');
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toContain(`missing golden ${golden('fresh')}`);
    expect(existsSync(golden('fresh'))).toBe(false);
  });

  it.each(['jpeg', 'webp'] as const)('takes %s: the golden holds its decoded pixels, and the same bytes match', async (format) => {
    const image = await ramp([], { format });
    expect((await match(image, format)).pass).toBe(true);
    expect(await rgba(golden(format))).toEqual(await rgba(image));
    expect((await match(image, format)).pass).toBe(true);
    const outcome = await match(await ramp([[3, 0, 60]], { format }), format);
    expect(outcome.pass).toBe(false);
  });
});

describe('toMatchGolden updating goldens', () => {
  it.each<{ case: string; env: string; ctx: Partial<GoldenMatcherContext> }>([
    { case: 'UPDATE_GOLDEN=1', env: '1', ctx: {} },
    { case: "the runner's -u", env: '', ctx: { snapshotState: { _updateSnapshot: 'all' } } },
  ])('rewrites a golden on $case', async ({ env, ctx }) => {
    vi.stubEnv('UPDATE_GOLDEN', env);
    putGolden('ramp', await ramp());
    const changed = await ramp([[3, 0, 1]]);
    expect((await match(changed, 'ramp', undefined, { ...context, ...ctx })).pass).toBe(true);
    expect(await rgba(golden('ramp'))).toEqual(await rgba(changed));
    vi.stubEnv('UPDATE_GOLDEN', '');
    expect((await match(changed, 'ramp')).pass).toBe(true);
  });

  it("does not take the runner's default mode for an update", async () => {
    putGolden('ramp', await ramp());
    expect((await match(await ramp([[3, 0, 1]]), 'ramp', undefined, { ...context, snapshotState: { _updateSnapshot: 'new' } })).pass).toBe(false);
  });

  it('refuses to update under CI, leaving the golden as it was', async () => {
    vi.stubEnv('CI', 'true');
    vi.stubEnv('UPDATE_GOLDEN', '1');
    putGolden('ramp', await ramp());
    const outcome = await match(await ramp([[3, 0, 1]]), 'ramp');
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toContain(`refusing to update ${golden('ramp')} because CI is set`);
    expect(readFileSync(golden('ramp'))).toEqual(await ramp());
  });
});

describe('toMatchGolden misused', () => {
  it.each<{ options: unknown; message: string }>([
    { options: { threshold: 2 }, message: 'Expected number between 0 and 1 for threshold but received 2' },
    { options: { threshold: Number.NaN }, message: 'Expected number between 0 and 1 for threshold but received NaN' },
    { options: { maxDiffPixels: 1.5 }, message: 'Expected integer of at least 0 for maxDiffPixels but received 1.5' },
    { options: { maxDiffPixels: -1 }, message: 'Expected integer of at least 0 for maxDiffPixels but received -1' },
    { options: { maxDiffPixelRatio: 1.01 }, message: 'Expected number between 0 and 1 for maxDiffPixelRatio but received 1.01' },
    { options: { maxMeanError: '1' }, message: 'Expected number between 0 and 255 for maxMeanError but received "1"' },
    { options: { maxDiffRatio: 0.1 }, message: 'Unknown option maxDiffRatio: toMatchGolden takes threshold, maxDiffPixels, maxDiffPixelRatio, maxMeanError' },
    { options: 0.1, message: 'Expected an options object but received 0.1' },
    { options: null, message: 'Expected an options object but received null' },
  ])('refuses options $options', async ({ options, message }) => {
    await expect(match(await ramp(), 'ramp', options as GoldenOptions)).rejects.toThrow(message);
    expect(existsSync(golden('ramp'))).toBe(false);
  });

  it.each(['', 'a/b', 'a\\b', '..', '../up', 'a..b'])('refuses the golden name %j', async (name) => {
    await expect(match(await ramp(), name)).rejects.toThrow(name === '' ? 'empty' : 'Invalid golden name');
  });

  it.each([['a string', 'image.png'], ['null', null], ['an array', [1, 2, 3]]])('refuses %s for the image', async (_what, image) => {
    await expect(match(image, 'ramp')).rejects.toThrow('expects the encoded image as a Buffer or Uint8Array');
  });

  it('refuses bytes that are no image', async () => {
    await expect(match(new Uint8Array([1, 2, 3]), 'ramp')).rejects.toThrow('for the image under test but could not decode 3 bytes');
  });

  it('refuses .not, whatever the image', async () => {
    putGolden('ramp', await ramp());
    const outcome = await match(await ramp([[3, 0, 1]]), 'ramp', undefined, { ...context, isNot: true });
    // Under .not the runner fails the assertion when pass is true.
    expect(outcome.pass).toBe(true);
    expect(outcome.message()).toContain('cannot be negated');
  });

  it('needs the test file path', async () => {
    await expect(match(await ramp(), 'ramp', undefined, {})).rejects.toThrow('this.testPath');
  });
});
