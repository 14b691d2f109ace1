import sharp from 'sharp';
import type { SuperimposeParams } from '../contract/superimpose.js';
import type { PixelLimits } from '../engine/limits.js';
import { SuperimposeError } from '../errors.js';
import type { UrlLoader } from '../image-source.js';
import type { RenderLimiter } from '../jobs/limiter.js';
import type { JobRunner } from '../jobs/queue.js';
import type { JobResult } from '../jobs/store.js';
import { superimpose } from '../superimpose.js';

/** A validated request rendered the way the server does it: no local files, guarded URLs, a bounded number at once. */
export type Renderer = (params: SuperimposeParams, options?: { signal?: AbortSignal; queued?: 'always' }) => Promise<JobResult>;

export function createRenderer(loadUrl: UrlLoader, limits: PixelLimits, limiter: RenderLimiter): Renderer {
  return (params, options = {}) =>
    limiter.run(async () => {
      const { data, info } = await superimpose(params, { allowFiles: false, loadUrl, limits, signal: options.signal });
      return { data, format: info.format, base64: params.base64 };
    }, options);
}

export const contentType = (format: JobResult['format']): string => `image/${format}`;

/**
 * How v2 jobs render: they wait for a slot however busy the process is (their 429
 * came at submit), and a failure that is not the request's fault is logged, since
 * the client only ever sees FAILED.
 */
export function jobRunner(render: Renderer, logBug: (error: unknown) => void): JobRunner<SuperimposeParams> {
  return (params) =>
    render(params, { queued: 'always' }).catch((error: unknown) => {
      if (!(error instanceof SuperimposeError)) logBug(error);
      throw error;
    });
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
