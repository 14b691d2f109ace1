/**
 * A render thread of the pool (render-pool.ts): takes a request whose images
 * are already bytes, renders it with the engine, and answers in plain data,
 * since a thrown error loses its class and fields on the way back.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SuperimposeError } from '../contract/errors.js';
import type { MockupParams } from '../contract/mockup.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import type { PixelLimits } from './limits.js';
import { renderMockupRequest } from './mockup.js';
import { renderSuperimpose, type RenderOptions, type SuperimposeResult } from './render.js';
import type { SettingNames } from './settings.js';

/** A request whose every image field is bytes: the main thread has loaded them and read their headers. */
export type RenderRequest = { readonly kind: 'superimpose'; readonly params: SuperimposeParams } | { readonly kind: 'mockup'; readonly params: MockupParams };

export interface RenderTask {
  readonly request: RenderRequest;
  readonly limits: PixelLimits;
  readonly names: SettingNames | undefined;
  /** The engine's own bound, beside the pool's: it stops libvips between tiles, which terminating the thread does not. */
  readonly timeoutMs: number;
  readonly svg: 'on' | 'off';
}

/** What a render thread answers: its output, or the refusal as the catalogue has it, or a bug. */
export type RenderOutcome =
  | { readonly kind: 'rendered'; readonly result: SuperimposeResult }
  | { readonly kind: 'refused'; readonly code: SuperimposeError['code']; readonly message: string; readonly field: string | undefined; readonly status: number }
  | { readonly kind: 'failed'; readonly message: string; readonly stack: string | undefined };

/** Outputs of this many pixels or more mean rasters of tens of megabytes or more, worth giving back at once. */
const LARGE_RENDER_PIXELS = 4_000_000;

/**
 * A large render's rasters are garbage once it has its output, but an idle
 * thread allocates nothing, so V8 would collect them only at this thread's
 * next render: meanwhile the limiter has let the next render in beside them.
 * Collecting before answering gives the memory back first. The function is
 * V8's own, exposed for this thread's context alone.
 */
function exposeCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const collectGarbage = exposeCollector();

export default async function renderTask(task: RenderTask): Promise<RenderOutcome> {
  try {
    const options: RenderOptions = { allowFiles: false, limits: task.limits, names: task.names, timeoutMs: task.timeoutMs, svg: task.svg };
    const { request } = task;
    const result = request.kind === 'superimpose' ? await renderSuperimpose(request.params, options) : await renderMockupRequest(request.params, options);
    if (result.info.width * result.info.height >= LARGE_RENDER_PIXELS) collectGarbage();
    return { kind: 'rendered', result };
  } catch (error) {
    if (error instanceof SuperimposeError) return { kind: 'refused', code: error.code, message: error.message, field: error.field, status: error.status };
    const failure = error instanceof Error ? error : new Error(String(error));
    return { kind: 'failed', message: failure.message, stack: failure.stack };
  }
}

/** Run once per thread as the pool starts: answers once this module, the engine and sharp are loaded. */
export function ready(): boolean {
  return true;
}
