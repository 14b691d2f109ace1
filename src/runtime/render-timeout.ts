import { fromEngine, SuperimposeError } from '../contract/errors.js';
import { ImageError } from '../engine/errors.js';
import { settingName, type SettingNames } from './settings.js';

/** The refusal of a render past its wall-clock bound, naming the setting that set it. */
export function renderTimeoutError(timeoutMs: number, names: SettingNames | undefined, cause?: unknown): SuperimposeError {
  return new SuperimposeError(
    'render_timeout',
    `The render took longer than ${timeoutMs} ms (${settingName(names, 'renderTimeoutMs')}): retry later, or with smaller images`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * The engine stops at a deadline with a plain ImageError('timeout') (or, once
 * through fromEngine, a 'render_timeout' without the setting): this words
 * either as renderTimeoutError, and passes anything else as it is.
 */
export function wordRenderTimeout(error: unknown, timeoutMs: number, names: SettingNames | undefined): unknown {
  const timedOut = (error instanceof ImageError && error.code === 'timeout') || (error instanceof SuperimposeError && error.code === 'render_timeout');
  return timedOut ? renderTimeoutError(timeoutMs, names, error) : error;
}

/** A render's failure as its caller gets it: the engine's errors as SuperimposeErrors, a timeout naming the setting that bounds it. */
export function renderRefusal(error: unknown, options: { readonly timeoutMs?: number | undefined; readonly names?: SettingNames | undefined }): unknown {
  const refusal = fromEngine(error);
  return options.timeoutMs === undefined ? refusal : wordRenderTimeout(refusal, options.timeoutMs, options.names);
}
