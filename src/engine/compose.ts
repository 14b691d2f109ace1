import { SuperimposeError } from '../errors.js';
import { compositeOver } from './composite.js';
import type { PixelLimits } from './limits.js';
import { applyMaskAndOpacity, maskLuma, resizeBicubicPillow } from './mask.js';
import type { Raster, Rgba, Size } from './raster.js';
import type { ResizeMethod } from './resample.js';
import { resizeOverlay } from './resize-overlay.js';
import { rotatedSize, rotateOverlay } from './rotate.js';
import { overlayTargetSize, type OverlayResize } from './target-size.js';

export interface ComposeOptions {
  readonly overlayResize: OverlayResize;
  readonly resizeMethod: ResizeMethod;
  readonly rescaleFactor: number;
  readonly width: number;
  readonly height: number;
  /** 0–1, 1 = opaque. */
  readonly opacity: number;
  /** Degrees counter-clockwise. */
  readonly rotation: number;
  readonly xOffset: number;
  readonly yOffset: number;
}

export interface ComposeInputs {
  /** Composited in place: the caller hands over a raster it owns. */
  readonly base: Raster;
  readonly overlay: Rgba;
  readonly mask?: Rgba | undefined;
}

function checkOverlayPixels(size: Size, limits: PixelLimits, stage: string): void {
  const pixels = size.width * size.height;
  if (pixels > limits.maxOverlayPixels) {
    throw new SuperimposeError(
      'too_large',
      `Expected an overlay of at most ${limits.maxOverlayPixels} pixels ${stage} but it would be ${size.width}x${size.height} = ${pixels} pixels`,
      { field: stage === 'after rotation' ? 'rotation' : 'overlay_resize' },
    );
  }
}

/** Steps 1–7 of the SPEC pipeline on decoded rasters; returns the base, composited. */
export function compose(inputs: ComposeInputs, options: ComposeOptions, limits: PixelLimits): Raster {
  const { base, mask } = inputs;
  const target = overlayTargetSize(inputs.overlay, base, {
    mode: options.overlayResize,
    rescaleFactor: options.rescaleFactor,
    requested: { width: options.width, height: options.height },
  });
  checkOverlayPixels(target, limits, 'after resizing');
  checkOverlayPixels(rotatedSize(target, options.rotation), limits, 'after rotation');

  let overlay = resizeOverlay(inputs.overlay, target, options.resizeMethod);
  const maskAlpha = mask && resizeBicubicPillow(maskLuma(mask), target);
  overlay = applyMaskAndOpacity(overlay, maskAlpha, options.opacity);
  overlay = rotateOverlay(overlay, options.rotation);
  compositeOver(base, overlay, options.xOffset, options.yOffset);
  return base;
}
