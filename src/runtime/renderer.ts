import sharp from 'sharp';
import { fromEngine, SuperimposeError } from '../contract/errors.js';
import type { MockupParams } from '../contract/mockup.js';
import type { ImageSource } from '../contract/parameters.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { overlaySizes } from '../engine/compose.js';
import type { PixelLimit } from '../engine/limits.js';
import { probeImage, type ImageHeader } from '../engine/probe.js';
import { RenderLimiter, type RunOptions } from './limiter.js';
import type { PixelLimits } from './limits.js';
import { estimateMockupBytes, estimateRenderBytes } from './memory.js';
import { mockupImageFields } from './mockup.js';
import { inputLimit, overlayLimit, planSuperimpose, type SuperimposeResult } from './render.js';
import { RenderPool } from './render-pool.js';
import type { RenderRequest } from './render-worker.js';
import { renderTimeoutError } from './render-timeout.js';
import { settingName, type SettingNames } from './settings.js';
import { loadImageSource, type UrlLoader } from './sources.js';
import { checkSvgInput } from './svg-input.js';
import { createUrlLoader, type UrlFetchOptions } from './url-fetch.js';

/** A validated request rendered as a service renders it; `queued: 'always'` is for accepted work, which never gets a 429. */
export type Renderer = (params: SuperimposeParams, options?: RenderCallOptions) => Promise<SuperimposeResult>;

/** A validated mockup rendered as a service renders it. */
export type MockupRenderer = (params: MockupParams, options?: RenderCallOptions) => Promise<SuperimposeResult>;

export interface RenderCallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly queued?: 'always';
}

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
  readonly svg: 'on' | 'off';
  readonly names?: SettingNames;
}

/** A service's renderers, the limits they share, and the threads to stop when the service stops. */
export interface ServiceRenderer {
  readonly render: Renderer;
  readonly renderMockup: MockupRenderer;
  readonly limiter: RenderLimiter;
  /** The URL fetches' own bound. */
  readonly fetches: RenderLimiter;
  /** Starts the render threads; without it they start with the first render, which then waits for them. */
  readonly start: () => Promise<void>;
  readonly close: () => Promise<void>;
}

/** An image field of a request, by the name its refusals give, and where its image comes from. */
interface SourceField {
  readonly field: string;
  readonly source: ImageSource;
}

/** What a request needs from the stages: its image fields, its weight from their headers, and itself with the images as bytes. */
interface Admissible {
  readonly fields: readonly SourceField[];
  readonly weigh: (headers: ReadonlyMap<string, ImageHeader | undefined>, encodedBytes: number) => number;
  readonly withBytes: (bytes: ReadonlyMap<string, Buffer>) => RenderRequest;
}

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

  const run = async (request: Admissible, { signal, queued }: RenderCallOptions = {}): Promise<SuperimposeResult> => {
    const admission: RunOptions = { signal, queued };
    const loadUrl: UrlLoader = (url, field, urlSignal) => fetches.run(() => fetchUrl(url, field, urlSignal), { ...admission, signal: urlSignal });
    const sourceOptions = { allowFiles: false, loadUrl, signal };
    const loaded = await Promise.all(request.fields.map(async ({ field, source }) => [field, await loadImageSource(source, field, sourceOptions)] as const));
    const bytes = new Map(loaded);
    const headers = await readHeaders(bytes, { limits, names, svg: options.svg });
    const weight = weighOrRefuse(request, headers, loaded.reduce((sum, [, image]) => sum + image.length, 0));
    if (weight > options.memoryBudgetBytes) {
      throw new SuperimposeError(
        'too_large',
        `Expected a render that needs at most ${Math.round(options.memoryBudgetBytes / MB)} MB (${settingName(names, 'memoryBudgetMb')}) but this one needs about ${Math.ceil(weight / MB)} MB: use smaller images`,
      );
    }
    const task = { request: request.withBytes(bytes), limits, names, timeoutMs: options.timeoutMs, svg: options.svg };
    return limiter.run(() => pool.run(task, { signal, timeoutMs: options.timeoutMs, timedOut }), { ...admission, weight });
  };

  const overlayBound = overlayLimit(limits, names);
  const render: Renderer = (params, call) => run(superimposeAdmission(params, overlayBound), call);
  const renderMockup: MockupRenderer = (params, call) => run(mockupAdmission(params), call);
  return { render, renderMockup, limiter, fetches, start: () => pool.start(), close: () => pool.close() };
}

/** The request's weight; what it refuses for sizes alone comes out as the engine's refusal would. */
function weighOrRefuse(request: Admissible, headers: ReadonlyMap<string, ImageHeader | undefined>, encodedBytes: number): number {
  try {
    return request.weigh(headers, encodedBytes);
  } catch (error) {
    throw fromEngine(error);
  }
}

const bytesOf = (bytes: ReadonlyMap<string, Buffer>, field: string): Buffer => bytes.get(field)!;

/**
 * A superimpose's stages. Its weight also refuses what the render would refuse
 * for sizes alone, before any decode: an overlay too large once resized or turned.
 */
function superimposeAdmission(params: SuperimposeParams, overlayBound: PixelLimit): Admissible {
  const fields: SourceField[] = [
    { field: 'base_image', source: params.base_image },
    { field: 'overlay_image', source: params.overlay_image },
    ...(params.mask === undefined ? [] : [{ field: 'mask', source: params.mask }]),
  ];
  return {
    fields,
    weigh: (headers, encodedBytes) => {
      const [base, overlay, mask] = [headers.get('base_image'), headers.get('overlay_image'), headers.get('mask')];
      const canvas = base && overlay ? overlaySizes(overlay, base, planSuperimpose(params).compose, overlayBound).canvas : undefined;
      return estimateRenderBytes({ base, overlay, mask, encodedBytes }, canvas);
    },
    withBytes: (bytes) => ({
      kind: 'superimpose',
      params: { ...params, base_image: bytesOf(bytes, 'base_image'), overlay_image: bytesOf(bytes, 'overlay_image'), mask: params.mask === undefined ? undefined : bytesOf(bytes, 'mask') },
    }),
  };
}

function mockupAdmission(params: MockupParams): Admissible {
  return {
    fields: mockupImageFields(params),
    weigh: (headers, encodedBytes) =>
      estimateMockupBytes({
        base: headers.get('base_image'),
        layers: params.layers.map((layer, i) => ({
          image: headers.get(`layers[${i}].image`),
          clip: headers.get(`layers[${i}].clip`),
          map: headers.get(`layers[${i}].displacement.map`),
          baseMap: layer.displacement?.map === 'base',
        })),
        encodedBytes,
      }),
    withBytes: (bytes) => ({
      kind: 'mockup',
      params: {
        ...params,
        base_image: bytesOf(bytes, 'base_image'),
        layers: params.layers.map((layer, i) => ({
          ...layer,
          image: bytesOf(bytes, `layers[${i}].image`),
          ...(layer.clip === undefined ? {} : { clip: bytesOf(bytes, `layers[${i}].clip`) }),
          ...(layer.displacement === undefined
            ? {}
            : { displacement: { ...layer.displacement, map: layer.displacement.map === 'base' ? 'base' : bytesOf(bytes, `layers[${i}].displacement.map`) } }),
        })),
      },
    }),
  };
}

interface HeaderChecks {
  readonly limits: PixelLimits;
  readonly names: SettingNames | undefined;
  readonly svg: 'on' | 'off';
}

/** Every input's header, each checked against its pixel limit (and an SVG against the SVG policy) before any is decoded. */
async function readHeaders(images: ReadonlyMap<string, Buffer>, options: HeaderChecks): Promise<Map<string, ImageHeader | undefined>> {
  const probe = async ([field, bytes]: readonly [string, Buffer]) => {
    const limit = inputLimit(field, options.limits, options.names);
    await checkSvgInput(bytes, field, { svg: options.svg, names: options.names, maxPixels: limit.maxPixels });
    return [field, await probeImage(bytes, field, limit)] as const;
  };
  try {
    return new Map(await Promise.all([...images].map(probe)));
  } catch (error) {
    throw fromEngine(error);
  }
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
