import { describe, expect, it } from 'vitest';
import { fromEngine, SuperimposeError } from '../../src/contract/errors.js';
import { decodeImage, decodeRgba, encodeImage } from '../../src/engine/codec.js';
import { compose, type ComposeOptions } from '../../src/engine/compose.js';
import { checkDeadline, deadlineAfter, now, sharpTimeout } from '../../src/engine/deadline.js';
import { ImageError } from '../../src/engine/errors.js';
import { rgba } from '../../src/engine/raster.js';
import { renderTimeoutError, wordRenderTimeout } from '../../src/runtime/render-timeout.js';

const passed = () => now() - 1;

async function failure(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await work();
    return { error: undefined, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

const expectTimeout = (error: unknown) => {
  expect(error).toBeInstanceOf(ImageError);
  expect((error as ImageError).code).toBe('timeout');
};

const composeOptions: ComposeOptions = {
  overlayResize: 'None',
  resizeMethod: 'bilinear',
  rescaleFactor: 1,
  width: 0,
  height: 0,
  opacity: 1,
  rotation: 0,
  xOffset: 0,
  yOffset: 0,
};

describe('deadline', () => {
  it('passes before the deadline and throws the timeout code after it', () => {
    expect(() => checkDeadline(undefined, 'x')).not.toThrow();
    expect(() => checkDeadline(deadlineAfter(60_000), 'x')).not.toThrow();
    expect(() => checkDeadline(passed(), 'compositing')).toThrow(/passed its deadline at compositing/);
  });

  it("gives sharp whole seconds, at least one", () => {
    expect(sharpTimeout(undefined)).toBeUndefined();
    expect(sharpTimeout(passed())).toEqual({ seconds: 1 });
    expect(sharpTimeout(deadlineAfter(200))).toEqual({ seconds: 1 });
    expect(sharpTimeout(deadlineAfter(2500))).toEqual({ seconds: 3 });
  });

  it('stops decoding, composing and encoding that start past it', async () => {
    const png = await encodeImage(rgba(4, 4), { format: 'png', quality: 80 });
    expectTimeout((await failure(() => decodeRgba(png, { field: 'mask', maxPixels: 1e6, deadline: passed() }))).error);
    const image = () => rgba(8, 8);
    expectTimeout((await failure(async () => compose({ base: image(), overlay: image() }, { ...composeOptions, deadline: passed() }, { maxPixels: 1e6 }))).error);
    expectTimeout((await failure(async () => compose({ base: image(), overlay: image() }, { ...composeOptions, rotation: 30, deadline: passed() }, { maxPixels: 1e6 }))).error);
    expectTimeout((await failure(() => encodeImage(image(), { format: 'jpeg', quality: 80, deadline: passed() }))).error);
  });

  it('leaves work within it alone', async () => {
    const png = await encodeImage(rgba(4, 4), { format: 'png', quality: 80, deadline: deadlineAfter(60_000) });
    const decoded = await decodeImage(png, { field: 'base_image', maxPixels: 1e6, deadline: deadlineAfter(60_000) });
    expect(compose({ base: decoded, overlay: rgba(2, 2) }, { ...composeOptions, deadline: deadlineAfter(60_000) }, { maxPixels: 1e6 }).width).toBe(4);
  });

  it('stops a slow libvips decode through sharp\'s timeout, between its tiles', async () => {
    // 1000 canvas-sized rects on 7000x7000: 16 of libvips' tiles, each well under a second, the whole many seconds.
    const rects = Array.from({ length: 1000 }, (_, i) => `<rect width="7000" height="7000" fill="#${((i * 40503) & 0xffffff).toString(16).padStart(6, '0')}"/>`).join('');
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="7000" height="7000">${rects}</svg>`);
    const { error, ms } = await failure(() => decodeRgba(svg, { field: 'overlay_image', maxPixels: 1e8, deadline: deadlineAfter(1000) }));
    console.log(`SVG decode given 1 s: stopped after ${ms.toFixed(0)} ms`);
    expectTimeout(error);
    expect((error as ImageError).field).toBe('overlay_image');
    expect(ms).toBeLessThan(5000);
  });

  it("stops a slow libvips encode through sharp's timeout", async () => {
    const width = 4000;
    const height = 4000;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const { error, ms } = await failure(() => encodeImage({ width, height, channels: 3, data }, { format: 'webp', quality: 100, deadline: deadlineAfter(1000) }));
    console.log(`WebP encode of 4000x4000 noise given 1 s: stopped after ${ms.toFixed(0)} ms`);
    expectTimeout(error);
    expect(ms).toBeLessThan(5000);
  });
});

describe('a timeout in the catalogue', () => {
  it('maps the engine code to render_timeout, 503', () => {
    const mapped = fromEngine(new ImageError('timeout', 'The render passed its deadline at encoding', ''));
    expect(mapped).toBeInstanceOf(SuperimposeError);
    expect(mapped).toMatchObject({ code: 'render_timeout', status: 503, field: undefined });
    expect(fromEngine(new ImageError('too_large', 'x', 'mask'))).toMatchObject({ code: 'too_large', status: 413, field: 'mask' });
  });

  it('is worded with the setting that bounds it', () => {
    expect(renderTimeoutError(30_000, { renderTimeoutMs: 'SUPERIMPOSE_RENDER_TIMEOUT_MS' }).message).toMatch(/^The render took longer than 30000 ms \(SUPERIMPOSE_RENDER_TIMEOUT_MS\)/);
    const engine = new ImageError('timeout', 'The render passed its deadline at encoding', '');
    for (const error of [engine, fromEngine(engine)]) {
      expect(wordRenderTimeout(error, 5000, undefined)).toMatchObject({ code: 'render_timeout', status: 503, message: expect.stringMatching(/^The render took longer than 5000 ms \(timeoutMs\)/) });
    }
    const other = new Error('x');
    expect(wordRenderTimeout(other, 5000, undefined)).toBe(other);
  });
});
