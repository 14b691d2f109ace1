import { SuperimposeError } from '../errors.js';
import { clipPlacement, compositeOver } from './composite.js';
import type { PixelLimits } from './limits.js';
import { applyMaskAndOpacity, cropGrey, maskLuma, resizeBicubicPillow } from './mask.js';
import { wholeOf, type Raster, type Rect, type Rgba, type Size } from './raster.js';
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

/** The visible part of an unrotated overlay placed at (x, y), in overlay coordinates. */
function visibleWindow(base: Size, overlay: Size, x: number, y: number): Rect {
  const onBase = clipPlacement(base, overlay, x, y)!;
  return { x: onBase.x - x, y: onBase.y - y, width: onBase.width, height: onBase.height };
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

  const turned = options.rotation % 360 !== 0;
  // An overlay that lands wholly outside leaves the base as it is: nothing to compute.
  if (!clipPlacement(base, rotatedSize(target, options.rotation), options.xOffset, options.yOffset)) return base;
  // Unrotated, only the part that lands on the base is resampled, masked and blended.
  const window = turned ? wholeOf(target) : visibleWindow(base, target, options.xOffset, options.yOffset);

  let overlay = resizeOverlay(inputs.overlay, target, options.resizeMethod, window);
  const maskAlpha = mask && cropGrey(resizeBicubicPillow(maskLuma(mask), target), window);
  overlay = applyMaskAndOpacity(overlay, maskAlpha, options.opacity);
  overlay = rotateOverlay(overlay, options.rotation);
  compositeOver(base, overlay, options.xOffset + window.x, options.yOffset + window.y);
  return base;
}
