import type { SuperimposeParams } from '../contract/superimpose.js';
import type { PixelLimits } from '../engine/limits.js';
import type { UrlLoader } from '../image-source.js';
import type { RenderLimiter } from '../jobs/limiter.js';
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
