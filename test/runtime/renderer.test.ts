import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMockupRequest } from '../../src/contract/mockup.js';
import { parseSuperimposeRequest } from '../../src/contract/superimpose.js';
import { DEFAULT_PIXEL_LIMITS } from '../../src/runtime/limits.js';
import { renderMockupRequest } from '../../src/runtime/mockup.js';
import { createRenderer, type RendererOptions } from '../../src/runtime/renderer.js';
import { pngWithHeader } from '../helpers/hostile.js';
import { goldenBytes } from '../helpers/http.js';

const NAMES = { renderTimeoutMs: 'SUPERIMPOSE_RENDER_TIMEOUT_MS', memoryBudgetMb: 'SUPERIMPOSE_MEMORY_BUDGET_MB', maxInputPixels: 'SUPERIMPOSE_MAX_INPUT_PIXELS' };
const OPTIONS: RendererOptions = {
  limits: DEFAULT_PIXEL_LIMITS,
  fetch: { timeoutMs: 1000, maxBytes: 1 << 20, allowHosts: [] },
  concurrency: 1,
  queueLimit: 4,
  fetchConcurrency: 2,
  timeoutMs: 30_000,
  memoryBudgetBytes: 1 << 30,
  svg: 'on',
  names: NAMES,
};
const renderers: { close: () => Promise<void> }[] = [];
const rendererWith = (options: Partial<RendererOptions> = {}) => {
  const renderer = createRenderer({ ...OPTIONS, ...options });
  renderers.push(renderer);
  return renderer;
};
afterAll(async () => Promise.all(renderers.map((renderer) => renderer.close())));

const request = (extra: Record<string, unknown> = {}) =>
  parseSuperimposeRequest({ base_image: goldenBytes('flowers.jpeg'), overlay_image: goldenBytes('swiss.png'), image_format: 'png', ...extra });

/** A render that takes seconds: a 24-megapixel base under a 16-megapixel enlarged overlay. */
const heavyBase = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#468' } }).jpeg().toBuffer();
const heavy = () => request({ base_image: heavyBase, overlay_resize: 'Resize to width & height', width: 4000, height: 4000, resize_method: 'bilinear' });

describe('createRenderer', () => {
  it('renders on a pool thread what the engine renders in process', async () => {
    const { render } = rendererWith();
    const { data, info } = await render(request());
    expect(info).toEqual({ width: 1920, height: 1080, format: 'png' });
    const { renderSuperimpose } = await import('../../src/runtime/render.js');
    expect(data.equals((await renderSuperimpose(request())).data)).toBe(true);
  });

  it('stops a render at its wall-clock bound with a 503 naming the setting, and renders the next one', async () => {
    const { render, start } = rendererWith({ timeoutMs: 400 });
    await start();
    const started = performance.now();
    await expect(render(heavy())).rejects.toMatchObject({
      code: 'render_timeout',
      status: 503,
      message: 'The render took longer than 400 ms (SUPERIMPOSE_RENDER_TIMEOUT_MS): retry later, or with smaller images',
    });
    expect(performance.now() - started).toBeLessThan(400 + 3000);
    await start(); // its thread was stopped: the pool has started another
    expect((await render(request())).info.width).toBe(1920);
  });

  it('stops a running render whose client went away', async () => {
    const { render, limiter } = rendererWith();
    const controller = new AbortController();
    const rendering = render(heavy(), { signal: controller.signal });
    await expect.poll(() => limiter.active).toBe(1);
    controller.abort();
    await expect(rendering).rejects.toMatchObject({ code: 'cancelled' });
    expect(limiter.active).toBe(0);
  });

  it('refuses a render whose estimate exceeds the whole memory budget, before it takes a slot', async () => {
    const { render } = rendererWith({ memoryBudgetBytes: 8 * 1024 * 1024 });
    await expect(render(request())).rejects.toMatchObject({
      code: 'too_large',
      status: 413,
      message: expect.stringMatching(/^Expected a render that needs at most 8 MB \(SUPERIMPOSE_MEMORY_BUDGET_MB\) but this one needs about \d+ MB: use smaller images$/),
    });
  });

  it('reads every header before decoding anything: an overlay over the limit is refused even beside a base that cannot decode', async () => {
    const { render } = rendererWith();
    const broken = Buffer.concat([goldenBytes('flowers.jpeg').subarray(0, 2000)]);
    await expect(render(request({ base_image: broken, overlay_image: pngWithHeader(70_000, 70_000) }))).rejects.toMatchObject({
      code: 'too_large',
      field: 'overlay_image',
      message: expect.stringContaining('(SUPERIMPOSE_MAX_INPUT_PIXELS) for overlay_image but received 70000x70000'),
    });
  });

  it('refuses an overlay too large once resized from the headers, before anything is decoded', async () => {
    const { render, limiter } = rendererWith({ limits: { ...DEFAULT_PIXEL_LIMITS, maxOverlayPixels: 10_000 } });
    // Its header alone is intact: decoding it would fail.
    const truncated = goldenBytes('swiss.png').subarray(0, 100);
    await expect(render(request({ overlay_image: truncated, overlay_resize: 'Fit' }))).rejects.toMatchObject({ code: 'too_large', field: 'overlay_resize' });
    expect(limiter.active + limiter.queued).toBe(0);
  });

  it('renders a mockup on a pool thread as the library renders it, and refuses its oversized layer from the header', async () => {
    const { renderMockup } = rendererWith({ limits: { ...DEFAULT_PIXEL_LIMITS, maxInputPixels: 3_000_000 } });
    const params = parseMockupRequest({
      base_image: goldenBytes('flowers.jpeg'),
      layers: [{ image: goldenBytes('swiss.png'), quad: [[100, 100], [700, 160], [660, 700], [120, 640]], blend_mode: 'multiply', displacement: { map: 'base', strength: 6 } }],
      image_format: 'png',
    });
    const pooled = await renderMockup(params);
    expect(pooled.data.equals((await renderMockupRequest(params)).data)).toBe(true);
    const huge = parseMockupRequest({ ...params, layers: [{ image: pngWithHeader(4000, 4000), box: { x: 0, y: 0, width: 9, height: 9 } }] });
    await expect(renderMockup(huge)).rejects.toMatchObject({ code: 'too_large', field: 'layers[0].image' });
  });

  it('passes the engine refusals made on the thread through with their code, field and message', async () => {
    const { render } = rendererWith();
    await expect(render(request({ overlay_resize: 'Resize by rescale_factor', rescale_factor: 0.0001 }))).rejects.toMatchObject({ code: 'invalid_parameter', status: 400, field: 'rescale_factor' });
  });
});
