import { ImageError } from './errors.js';
import type { Size } from './raster.js';

/** Segmind's spelling, typo included, plus the correct spelling of the last mode. */
export const OVERLAY_RESIZE_MODES = [
  'Resize by rescale_factor',
  'None',
  'Fit',
  'Resize to width & heigth',
  'Resize to width & height',
] as const;
export type OverlayResize = (typeof OVERLAY_RESIZE_MODES)[number];

export interface TargetSizeOptions {
  readonly mode: OverlayResize;
  readonly rescaleFactor: number;
  /** Used only by "Resize to width & heigth". */
  readonly requested: Size;
}

/** Python's round(): half to even, on the exact double. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Step 1: the size the overlay is resampled to. */
export function overlayTargetSize(overlay: Size, base: Size, options: TargetSizeOptions): Size {
  const size = computeTarget(overlay, base, options);
  if (size.width < 1 || size.height < 1) {
    const field = options.mode === 'Resize by rescale_factor' ? 'rescale_factor' : 'overlay_resize';
    throw new ImageError(
      'invalid_parameter',
      `Expected ${field} to give an overlay of at least 1x1 pixels but it gives ${size.width}x${size.height} (overlay_resize "${options.mode}", overlay ${overlay.width}x${overlay.height})`,
      field,
    );
  }
  return size;
}

function computeTarget(overlay: Size, base: Size, options: TargetSizeOptions): Size {
  switch (options.mode) {
    case 'None':
      return overlay;
    case 'Resize by rescale_factor':
      // Truncate the double product, as Python's int() does: 100 * 0.29 -> 28.
      return {
        width: Math.trunc(overlay.width * options.rescaleFactor),
        height: Math.trunc(overlay.height * options.rescaleFactor),
      };
    case 'Fit': {
      const ratio = Math.min(base.height / overlay.height, base.width / overlay.width);
      return { width: roundHalfEven(overlay.width * ratio), height: roundHalfEven(overlay.height * ratio) };
    }
    case 'Resize to width & heigth':
    case 'Resize to width & height':
      return options.requested;
  }
}
