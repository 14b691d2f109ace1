import type { Rgba, Size } from './raster.js';
import { RESAMPLERS, type ResizeMethod } from './resample.js';

/**
 * Step 2: resample on premultiplied float32 RGBA and back to bytes with
 * trunc(255·v). Only when the size changes: the round trip itself is not lossless.
 */
export function resizeOverlay(overlay: Rgba, size: Size, method: ResizeMethod): Rgba {
  if (size.width === overlay.width && size.height === overlay.height) return overlay;
  return RESAMPLERS[method](overlay, size);
}
