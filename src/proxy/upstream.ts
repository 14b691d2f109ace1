import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from '../runtime/settings.js';

export interface UpstreamOptions {
  /** Segmind's API, e.g. https://api.segmind.com. */
  readonly baseUrl: string;
  /** Used when the call brings no key of its own. */
  readonly apiKey?: string | undefined;
  /** For the whole exchange, the answer's body included. */
  readonly timeoutMs: number;
  /** The largest answer read from upstream (default 64 MiB); past it the call fails with 502. */
  readonly maxResponseBytes?: number | undefined;
  /** How refusals name timeoutMs and apiKey. */
  readonly names?: SettingNames;
}

export interface UpstreamCall {
  readonly method: 'GET' | 'POST';
  /** Absolute URL, or a path on baseUrl. */
  readonly url: string;
  /** Sent as it is, as application/json. */
  readonly body?: string;
  /** The caller's own key; falls back to the configured one. */
  readonly apiKey?: string | undefined;
  /** Aborts the call, e.g. when the client disconnects. */
  readonly signal?: AbortSignal;
}

/**
 * One request to Segmind with Node's fetch. Never retried: upstream may have
 * processed (and billed) a request whose answer was lost.
 */
export async function callUpstream(options: UpstreamOptions, call: UpstreamCall): Promise<Response> {
  const apiKey = call.apiKey || options.apiKey;
  if (!apiKey) {
    throw new SuperimposeError('unauthorized', `No Segmind API key: pass ${settingName(options.names, 'upstreamApiKey')}`);
  }
  const url = new URL(call.url, options.baseUrl);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const headers: Record<string, string> = { 'x-api-key': apiKey, accept: '*/*' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(url, { method: call.method, headers, body: call.body, signal, redirect: 'manual' });
  } catch (cause) {
    if (timeout.aborted) {
      throw new SuperimposeError('upstream_timeout', `Segmind did not answer within ${options.timeoutMs} ms (${settingName(options.names, 'upstreamTimeoutMs')})`, { cause });
    }
    const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
    throw new SuperimposeError('upstream_unreachable', `Could not reach Segmind at ${url.host}: ${reason}`, { cause });
  }
}

/** Response headers worth passing on: content-type and every x-* (x-remaining-credits above all). */
export function passThroughHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name === 'content-type' || name.startsWith('x-')) headers[name] = value;
  });
  return headers;
}
