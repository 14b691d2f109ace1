import type { SuperimposeParams } from '../contract/superimpose.js';
import type { UrlLoader } from '../image-source.js';
import type { JobResult } from '../jobs/store.js';
import { superimpose } from '../superimpose.js';

/** A validated request rendered the way the server does it: no local files, guarded URLs. */
export type Renderer = (params: SuperimposeParams) => Promise<JobResult>;

export function createRenderer(loadUrl: UrlLoader): Renderer {
  return async (params) => {
    const { data, info } = await superimpose(params, { allowFiles: false, loadUrl });
    return { data, format: info.format, base64: params.base64 };
  };
}

export const contentType = (format: JobResult['format']): string => `image/${format}`;
