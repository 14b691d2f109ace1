/** A bound on an image's pixels, checked before anything of that size is allocated. */
export interface PixelLimit {
  readonly maxPixels: number;
  /** The setting that sets the bound, named in the refusal (e.g. "limits.maxInputPixels"). */
  readonly limitName?: string | undefined;
}

/** " (name)" after a bound in a message, or nothing. */
export const limitLabel = (limit: PixelLimit): string => (limit.limitName ? ` (${limit.limitName})` : '');
