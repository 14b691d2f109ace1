import { cropRgba, wholeOf, type Rect, type Rgba, type Size } from './raster.js';
import { RESAMPLERS, type ResizeMethod } from './resample.js';

/**
 * Step 2: resample on premultiplied float32 RGBA and back to bytes with
 * trunc(255·v), computing only `window` of the resized overlay. Only when the
 * size changes: the round trip itself is not lossless.
 */
export function resizeOverlay(overlay: Rgba, size: Size, method: ResizeMethod, window: Rect = wholeOf(size)): Rgba {
  if (size.width === overlay.width && size.height === overlay.height) return cropRgba(overlay, window);
  return RESAMPLERS[method](overlay, size, window);
}
