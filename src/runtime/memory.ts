import type { SuperimposeParams } from '../contract/superimpose.js';
import type { Size } from '../engine/raster.js';
import { rotatedSize } from '../engine/rotate.js';
import { overlayTargetSize } from '../engine/target-size.js';

/** What the headers of a request's inputs say, before anything is decoded. */
export interface InputHeaders {
  readonly base: Size | undefined;
  readonly overlay: Size | undefined;
  readonly mask: Size | undefined;
  /** Encoded bytes of all inputs together, held for the whole render. */
  readonly encodedBytes: number;
}

const area = (size: Size | undefined): number => (size ? size.width * size.height : 0);

/** The overlay's resized and turned size, or its own when the parameters give none (the render then refuses them). */
function overlayCanvas(params: SuperimposeParams, overlay: Size, base: Size): Size {
  try {
    const target = overlayTargetSize(overlay, base, {
      mode: params.overlay_resize,
      rescaleFactor: params.rescale_factor,
      requested: { width: params.width, height: params.height },
    });
    return rotatedSize(target, params.rotation);
  } catch {
    return overlay;
  }
}

/**
 * A render's peak memory, in bytes, from its inputs' headers: every raster
 * counted at 4 bytes a pixel. The base is decoded and composited in place, then
 * handed to the encoder (2 copies); the overlay is decoded and premultiplied
 * (2); its resized, masked and turned steps are held at most at the size of the
 * base it lands on (3); a mask is decoded and reduced to a grey plane (5 bytes a
 * pixel) and resampled to the overlay (1). An input whose header could not be
 * read adds only its encoded bytes: its decoder refuses it before allocating.
 */
export function estimateRenderBytes(params: SuperimposeParams, headers: InputHeaders): number {
  const { base, overlay, mask } = headers;
  let bytes = headers.encodedBytes + area(base) * 4 * 2 + area(overlay) * 4 * 2 + area(mask) * 5;
  if (base && overlay) {
    const placed = Math.min(area(overlayCanvas(params, overlay, base)), area(base));
    bytes += placed * 4 * 3 + (mask ? placed : 0);
  }
  return bytes;
}
