/** Pixel bounds checked before anything of that size is allocated. */
export interface PixelLimits {
  /** Per decoded input image, checked from its header. */
  readonly maxInputPixels: number;
  /** Per overlay, after resizing and again after rotation. */
  readonly maxOverlayPixels: number;
  /** The output, which has the base's size: checked from the base's header. */
  readonly maxOutputPixels: number;
}

export const DEFAULT_PIXEL_LIMITS: PixelLimits = {
  maxInputPixels: 50_000_000,
  maxOverlayPixels: 25_000_000,
  maxOutputPixels: 50_000_000,
};
