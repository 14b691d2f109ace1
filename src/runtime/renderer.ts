import sharp from 'sharp';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { RenderLimiter } from './limiter.js';
import type { PixelLimits } from './limits.js';
import { renderSuperimpose, type SuperimposeResult } from './render.js';
import type { SettingNames } from './settings.js';
import { createUrlLoader, type UrlFetchOptions } from './url-fetch.js';

/** A validated request rendered as a service renders it; `queued: 'always'` is for accepted work, which never gets a 429. */
export type Renderer = (params: SuperimposeParams, options?: { signal?: AbortSignal | undefined; queued?: 'always' }) => Promise<SuperimposeResult>;

export interface RendererOptions {
  readonly limits: PixelLimits;
  readonly fetch: Omit<UrlFetchOptions, 'names'>;
  /** Renders at once, and renders waiting beyond them before a 429. */
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

/**
 * How a service renders, the server and the worker alike: no local files,
 * URLs through the guarded fetcher, a bounded number at once.
 */
export function createRenderer(options: RendererOptions): { render: Renderer; limiter: RenderLimiter } {
  const limiter = new RenderLimiter({ concurrency: options.concurrency, queueLimit: options.queueLimit, names: options.names });
  const loadUrl = createUrlLoader({ ...options.fetch, names: options.names });
  const render: Renderer = (params, { signal, queued } = {}) =>
    limiter.run(() => renderSuperimpose(params, { allowFiles: false, loadUrl, limits: options.limits, signal, names: options.names }), { signal, queued });
  return { render, limiter };
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
