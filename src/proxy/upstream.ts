import { Readable } from 'node:stream';
import type { ReadableStreamDefaultReader } from 'node:stream/web';
import { SuperimposeError } from '../contract/errors.js';
import { startDeadline } from '../runtime/deadline.js';
import { settingName, type SettingNames } from '../runtime/settings.js';

/** The most bytes read from one upstream answer unless maxResponseBytes says otherwise. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface UpstreamOptions {
  /** Segmind's API, e.g. https://api.segmind.com. */
  readonly baseUrl: string;
  /** Used when the call brings no key of its own. */
  readonly apiKey?: string | undefined;
  /** For the whole exchange, the answer's body included. */
  readonly timeoutMs: number;
  /** The largest answer read from upstream (default 64 MiB); past it the call fails with 502. */
  readonly maxResponseBytes?: number | undefined;
  /** How refusals name timeoutMs, maxResponseBytes and apiKey. */
  readonly names?: SettingNames;
}

interface UpstreamCall {
  readonly method: 'GET' | 'POST';
  /** Absolute URL, or a path on baseUrl. */
  readonly url: string;
  /** Sent as it is, as application/json. */
  readonly body?: string | undefined;
  /** The caller's own key; falls back to the configured one. */
  readonly apiKey?: string | undefined;
  /** Aborts the call, e.g. when the client disconnects. */
  readonly signal?: AbortSignal;
}

/** Upstream's status and headers, and its body within the bounds. */
interface UpstreamAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  /**
   * The body as it arrives. Past the timeout or the byte bound, or when the
   * connection breaks, it is destroyed with the catalogue's error, even while
   * nobody reads it. Read it once: here or through bytes().
   */
  readonly body: Readable;
  /** The whole body, buffered. */
  bytes(): Promise<Buffer>;
}

/**
 * One request to Segmind with Node's fetch. Never retried: upstream may have
 * processed (and billed) a request whose answer was lost. The timeout runs
 * until the body has been read, and the body is counted as it arrives, so a
 * trickling or endless upstream costs neither unbounded time nor memory.
 */
export async function callUpstream(options: UpstreamOptions, call: UpstreamCall): Promise<UpstreamAnswer> {
  const apiKey = call.apiKey || options.apiKey;
  if (!apiKey) {
    throw new SuperimposeError('unauthorized', `No Segmind API key: pass ${settingName(options.names, 'upstreamApiKey')}`);
  }
  const url = new URL(call.url, options.baseUrl);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const headers: Record<string, string> = { 'x-api-key': apiKey, accept: '*/*' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';

  // One bound for the whole exchange, body included: it also fires while nobody is
  // reading the body, and is cleared as soon as the exchange is over.
  let body: UpstreamBody | undefined;
  const deadline = startDeadline(options.timeoutMs, call.signal, () => body?.fail((received) => fault(new Error('aborted'), received)));
  const fault = (cause: unknown, received?: number): SuperimposeError => {
    if (cause instanceof SuperimposeError) return cause;
    const timeoutName = settingName(options.names, 'upstreamTimeoutMs');
    const timedOut = deadline.timedOut();
    if (timedOut && received === undefined) return new SuperimposeError('upstream_timeout', `Segmind did not answer within ${options.timeoutMs} ms (${timeoutName})`, { cause });
    if (timedOut) return new SuperimposeError('upstream_timeout', `Segmind did not finish its answer within ${options.timeoutMs} ms (${timeoutName}): cut after ${received} bytes`, { cause });
    if (call.signal?.aborted) return new SuperimposeError('cancelled', 'The request was cancelled while waiting for Segmind', { cause });
    if (received === undefined) {
      const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      return new SuperimposeError('upstream_unreachable', `Could not reach Segmind at ${url.host}: ${reason}`, { cause });
    }
    return new SuperimposeError('upstream_unreachable', `Segmind's answer from ${url.host} broke off after ${received} bytes: the connection closed before it was complete`, { cause });
  };
  const finish = deadline.clear;

  let response: Response;
  try {
    response = await fetch(url, { method: call.method, headers, body: call.body, signal: deadline.signal, redirect: 'manual' });
  } catch (cause) {
    finish();
    throw fault(cause);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    finish();
    response.body?.cancel().catch(() => {});
    throw new SuperimposeError('upstream_error', `Segmind's answer declares ${declared} bytes, more than the ${maxBytes} this server reads (${settingName(options.names, 'upstreamMaxBytes')})`);
  }
  const tooLarge = () => new SuperimposeError('upstream_error', `Segmind's answer is larger than ${maxBytes} bytes, the most this server reads (${settingName(options.names, 'upstreamMaxBytes')})`);
  body = new UpstreamBody(response.body?.getReader(), { maxBytes, tooLarge, fault, finish });
  const stream = body;
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    body: stream,
    bytes: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

/** Response headers worth passing on: content-type and every x-* (x-remaining-credits above all). */
export function passThroughHeaders(headers: Headers): Record<string, string> {
  const passed: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === 'content-type' || name.startsWith('x-')) passed[name] = value;
  });
  return passed;
}

interface BodyBounds {
  readonly maxBytes: number;
  readonly tooLarge: () => SuperimposeError;
  /** The error for a read that failed after `received` bytes. */
  readonly fault: (cause: unknown, received: number) => SuperimposeError;
  /** Ends the exchange: its timer and its listener on the caller's signal. */
  readonly finish: () => void;
}

/** fetch's body as a Node stream that counts what it reads and ends the exchange however it ends. */
class UpstreamBody extends Readable {
  private received = 0;
  private ended = false;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
    private readonly bounds: BodyBounds,
  ) {
    super();
    // The error still reaches every consumer; this keeps one that arrives while nobody listens from crashing the process.
    this.on('error', () => {});
  }

  /** Destroys the body with the error for where it stands; nothing if it is already over. */
  fail(error: (received: number) => SuperimposeError): void {
    if (!this.destroyed && !this.ended) this.destroy(error(this.received));
  }

  override _read(): void {
    if (!this.reader) {
      this.ended = true;
      this.push(null);
      return;
    }
    this.reader.read().then(
      ({ done, value }) => {
        if (this.destroyed) return;
        if (done) {
          this.ended = true;
          this.push(null);
          return;
        }
        this.received += value.byteLength;
        if (this.received > this.bounds.maxBytes) return void this.destroy(this.bounds.tooLarge());
        if (value.byteLength === 0) return this._read();
        this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      },
      (cause: unknown) => {
        if (!this.destroyed) this.destroy(this.bounds.fault(cause, this.received));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.bounds.finish();
    // Stops upstream's connection too, when the body was left unfinished.
    if (!this.ended) this.reader?.cancel().catch(() => {});
    callback(error);
  }
}
