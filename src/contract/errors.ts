import { ImageError, type ImageErrorCode } from '../engine/errors.js';

/**
 * The one error catalogue. Every failure a user can cause has a stable code and
 * an HTTP status; the message always names the field and what was expected.
 */
export const ERROR_STATUS = {
  invalid_parameter: 400,
  invalid_image: 400,
  unreadable_input: 400,
  unsupported_input: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  too_large: 413,
  job_failed: 422,
  rate_limited: 429,
  /** The client went away; never sent to a connected client. */
  cancelled: 499,
  internal: 500,
  /** The job store (Redis) does not answer. */
  unavailable: 503,
  /** A render ran past its wall-clock bound: the server is busy or the images are too heavy. */
  render_timeout: 503,
  upstream_error: 502,
  upstream_unreachable: 502,
  upstream_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class SuperimposeError extends Error {
  override readonly name = 'SuperimposeError';
  readonly code: ErrorCode;
  readonly status: number;
  /** The request field the error is about, when there is one. */
  readonly field: string | undefined;

  /** `status` overrides the catalogue's only to pass an upstream's own status through. */
  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.field = options.field;
  }
}

/** Describes a received value briefly, for "… but received X" messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  return `a value of type ${typeof value}`;
}

/** The catalogue's code for each of the engine's. */
const ENGINE_CODES: Readonly<Record<ImageErrorCode, ErrorCode>> = {
  invalid_image: 'invalid_image',
  too_large: 'too_large',
  invalid_parameter: 'invalid_parameter',
  timeout: 'render_timeout',
};

/** The engine's refusals in the catalogue: its code mapped, same message, field and cause. Anything else passes as it is. */
export function fromEngine(error: unknown): unknown {
  if (!(error instanceof ImageError)) return error;
  return new SuperimposeError(ENGINE_CODES[error.code], error.message, { field: error.field || undefined, cause: error.cause });
}
