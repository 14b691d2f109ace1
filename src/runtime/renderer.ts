import sharp from 'sharp';
import { fromEngine, SuperimposeError } from '../contract/errors.js';
import type { ImageSource } from '../contract/parameters.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { overlaySizes } from '../engine/compose.js';
import { probeImage } from '../engine/probe.js';
import type { ImageField } from './decoded-cache.js';
import { RenderLimiter, type RunOptions } from './limiter.js';
import type { PixelLimits } from './limits.js';
import { estimateRenderBytes, type InputHeaders } from './memory.js';
import { inputLimit, overlayLimit, planSuperimpose, type SuperimposeResult } from './render.js';
import { RenderPool } from './render-pool.js';
import { renderTimeoutError } from './render-timeout.js';
import { settingName, type SettingNames } from './settings.js';
import { loadImageSource, type UrlLoader } from './sources.js';
import { checkSvgInput } from './svg-input.js';
import { createUrlLoader, type UrlFetchOptions } from './url-fetch.js';

/** A validated request rendered as a service renders it; `queued: 'always'` is for accepted work, which never gets a 429. */
export type Renderer = (params: SuperimposeParams, options?: { signal?: AbortSignal | undefined; queued?: 'always' }) => Promise<SuperimposeResult>;

export interface RendererOptions {
  readonly limits: PixelLimits;
  readonly fetch: Omit<UrlFetchOptions, 'names'>;
  /** Renders at once, each on a thread of its own, and renders waiting beyond them before a 429. */
  readonly concurrency: number;
  readonly queueLimit: number;
  /** URL inputs fetched at once, before any render slot is taken. */
  readonly fetchConcurrency: number;
  /** Wall-clock bound on one render, from taking its slot to its encoded output. */
  readonly timeoutMs: number;
  /** Bytes the renders admitted at once may need together, estimated from the inputs' headers. */
  readonly memoryBudgetBytes: number;
  /** Whether SVG inputs are taken at all (the reference takes none). */
  readonly svg: 'off' | 'on';
  readonly names?: SettingNames;
}

/** A service's renderer, the limits it applies, and its threads to stop when the service stops. */
export interface ServiceRenderer {
  readonly render: Renderer;
  readonly limiter: RenderLimiter;
  /** The URL fetches' own bound. */
  readonly fetches: RenderLimiter;
  /** Starts the render threads; without it they start with the first render, which then waits for them. */
  readonly start: () => Promise<void>;
  readonly close: () => Promise<void>;
}

type LoadedImages = Readonly<Record<'base_image' | 'overlay_image', Buffer>> & { readonly mask: Buffer | undefined };

const MB = 1024 * 1024;

/**
 * How a service renders, the server and the worker alike, in four stages, so
 * that nothing scarce is held while waiting for something else:
 * 1. the inputs are loaded (URLs fetched under their own bound), no render slot held;
 * 2. their headers are read: an input over a pixel limit is refused before any
 *    decode, and the render's peak memory is estimated;
 * 3. a slot is taken once the estimate fits the memory budget beside the renders running;
 * 4. the render runs on a pool thread, within its wall-clock bound.
 */
export function createRenderer(options: RendererOptions): ServiceRenderer {
  const { names, limits } = options;
  const limiter = new RenderLimiter({ concurrency: options.concurrency, queueLimit: options.queueLimit, budget: options.memoryBudgetBytes, names });
  const fetches = new RenderLimiter({ concurrency: options.fetchConcurrency, queueLimit: options.queueLimit, what: 'URL fetches', names });
  const fetchUrl = createUrlLoader({ ...options.fetch, names });
  const pool = new RenderPool(options.concurrency);
  const timedOut = () => renderTimeoutError(options.timeoutMs, names);

  const render: Renderer = async (params, { signal, queued } = {}) => {
    const admission: RunOptions = { signal, queued };
    const loadUrl: UrlLoader = (url, field, urlSignal) => fetches.run(() => fetchUrl(url, field, urlSignal), { ...admission, signal: urlSignal });
    const images = await loadImages(params, { loadUrl, signal });
    const weight = await admissionWeight(params, images, { limits, names, svg: options.svg }).catch((error: unknown) => Promise.reject(fromEngine(error)));
    if (weight > options.memoryBudgetBytes) {
      throw new SuperimposeError(
        'too_large',
        `Expected a render that needs at most ${Math.round(options.memoryBudgetBytes / MB)} MB (${settingName(names, 'memoryBudgetMb')}) but this one needs about ${Math.ceil(weight / MB)} MB: use smaller images`,
      );
    }
    const task = { params: { ...params, ...images }, limits, names, timeoutMs: options.timeoutMs, svg: options.svg };
    return limiter.run(() => pool.run(task, { signal, timeoutMs: options.timeoutMs, timedOut }), { ...admission, weight });
  };
  return { render, limiter, fetches, start: () => pool.start(), close: () => pool.close() };
}

async function loadImages(params: SuperimposeParams, options: { loadUrl: UrlLoader; signal: AbortSignal | undefined }): Promise<LoadedImages> {
  const sourceOptions = { allowFiles: false, loadUrl: options.loadUrl, signal: options.signal };
  const load = (field: ImageField, source: ImageSource) => loadImageSource(source, field, sourceOptions);
  const [base_image, overlay_image, mask] = await Promise.all([
    load('base_image', params.base_image),
    load('overlay_image', params.overlay_image),
    params.mask === undefined ? undefined : load('mask', params.mask),
  ]);
  return { base_image, overlay_image, mask };
}

interface HeaderChecks {
  readonly limits: PixelLimits;
  readonly names: SettingNames | undefined;
  readonly svg: 'on' | 'off';
}

/**
 * The render's estimated peak memory, from the headers alone; on the way, what
 * the render would refuse for its sizes is refused now, before any decode:
 * an input over its pixel limit, an overlay too large once resized or turned.
 */
async function admissionWeight(params: SuperimposeParams, images: LoadedImages, checks: HeaderChecks): Promise<number> {
  const headers = await readHeaders(images, checks);
  const { base, overlay } = headers;
  const canvas = base && overlay ? overlaySizes(overlay, base, planSuperimpose(params).compose, overlayLimit(checks.limits, checks.names)).canvas : undefined;
  return estimateRenderBytes(headers, canvas);
}

/** Every input's size from its header, each checked against its pixel limit (and an SVG against the SVG policy) before any is decoded. */
async function readHeaders(images: LoadedImages, options: HeaderChecks): Promise<InputHeaders> {
  const probe = async (field: ImageField, bytes: Buffer | undefined) => {
    if (!bytes) return undefined;
    const limit = inputLimit(field, options.limits, options.names);
    await checkSvgInput(bytes, field, { svg: options.svg, names: options.names, maxPixels: limit.maxPixels });
    return probeImage(bytes, field, limit);
  };
  const [base, overlay, mask] = await Promise.all([probe('base_image', images.base_image), probe('overlay_image', images.overlay_image), probe('mask', images.mask)]);
  const encodedBytes = images.base_image.length + images.overlay_image.length + (images.mask?.length ?? 0);
  return { base, overlay, mask, encodedBytes };
}

/**
 * For serving processes: parallelism comes from the render concurrency, one
 * libvips thread per render, so CPU and memory scale with that one number;
 * inputs are fresh buffers that never repeat, so libvips' cache would only hold memory.
 */
export function configureSharpForServing(): void {
  sharp.concurrency(1);
  sharp.cache(false);
}
