import { cropRgba, type Rgba, type Size } from './raster.js';
import { RESAMPLE_PLANNERS, type ResizeMethod, type WindowResampler } from './resample.js';

/**
 * Step 2, planned: resample on premultiplied float32 RGBA and back to bytes
 * with trunc(255·v), a window of the resized overlay per call. Only when the
 * size changes: the round trip itself is not lossless.
 */
export function planOverlayResize(overlay: Rgba, size: Size, method: ResizeMethod): WindowResampler {
  if (size.width === overlay.width && size.height === overlay.height) return (window, into) => cropRgba(overlay, window, into);
  return RESAMPLE_PLANNERS[method](overlay, size);
}
