/**
 * What the engine refuses: an image it cannot decode, a size over a limit, a
 * parameter that gives no overlay; or work stopped at its deadline (deadline.ts).
 */
export type ImageErrorCode = 'invalid_image' | 'too_large' | 'invalid_parameter' | 'timeout';

/**
 * The engine's own error. It knows nothing of HTTP: the layers above map its
 * code to their catalogue, keeping the message, field and cause.
 */
export class ImageError extends Error {
  override readonly name = 'ImageError';

  constructor(
    readonly code: ImageErrorCode,
    message: string,
    /** The request field the error is about ('' when none, as for a timeout between steps). */
    readonly field: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
