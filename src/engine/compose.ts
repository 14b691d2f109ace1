import { clipPlacement, compositeOver } from './composite.js';
import { checkDeadline, type Deadline } from './deadline.js';
import { ImageError } from './errors.js';
import { limitLabel, type PixelLimit } from './limits.js';
import { applyMaskAndOpacity, cropGrey, maskLuma, resizeBicubicPillow } from './mask.js';
import type { Raster, Rgba, Size } from './raster.js';
import type { ResizeMethod } from './resample.js';
import { planOverlayResize } from './resize-overlay.js';
import { rotatedSize, rotateOverlay, rotationSource } from './rotate.js';
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
  /** Checked between the steps and between bands: past it, ImageError('timeout') (deadline.ts). */
  readonly deadline?: Deadline | undefined;
}

export interface ComposeInputs {
  /** Composited in place: the caller hands over a raster it owns. */
  readonly base: Raster;
  readonly overlay: Rgba;
  readonly mask?: Rgba | undefined;
}

/** Bytes of overlay held at a time when compositing unrotated: a band stays in L2 cache between steps. */
const BAND_BYTES = 1 << 16;

function checkOverlayPixels(size: Size, limit: PixelLimit, stage: string): void {
  const pixels = size.width * size.height;
  if (pixels > limit.maxPixels) {
    throw new ImageError(
      'too_large',
      `Expected an overlay of at most ${limit.maxPixels} pixels${limitLabel(limit)} ${stage} but it would be ${size.width}x${size.height} = ${pixels} pixels`,
      stage === 'after rotation' ? 'rotation' : 'overlay_resize',
    );
  }
}

/** What sizes the overlay: the parameters of steps 1 and 5. */
export type OverlaySizing = Pick<ComposeOptions, 'overlayResize' | 'rescaleFactor' | 'width' | 'height' | 'rotation'>;

/**
 * Steps 1 and 5 in sizes alone: the overlay's resized size and its turned
 * canvas, each held to `limit`. Sizes are all it needs, so a service checks it
 * from the headers, before decoding anything.
 */
export function overlaySizes(overlay: Size, base: Size, sizing: OverlaySizing, limit: PixelLimit): { readonly target: Size; readonly canvas: Size } {
  const target = overlayTargetSize(overlay, base, {
    mode: sizing.overlayResize,
    rescaleFactor: sizing.rescaleFactor,
    requested: { width: sizing.width, height: sizing.height },
  });
  checkOverlayPixels(target, limit, 'after resizing');
  const canvas = rotatedSize(target, sizing.rotation);
  checkOverlayPixels(canvas, limit, 'after rotation');
  return { target, canvas };
}

/** Steps 1–7 of the SPEC pipeline on decoded rasters; returns the base, composited. */
export function compose(inputs: ComposeInputs, options: ComposeOptions, overlayLimit: PixelLimit): Raster {
  const { base, mask } = inputs;
  const checkTime = (step: string) => checkDeadline(options.deadline, step);
  checkTime('composing');
  const { target, canvas } = overlaySizes(inputs.overlay, base, options, overlayLimit);

  // Only the part that lands on the base is resampled, masked, turned and blended;
  // an overlay wholly outside leaves the base as it is.
  const onBase = clipPlacement(base, canvas, options.xOffset, options.yOffset);
  if (!onBase) return base;
  const output = { x: onBase.x - options.xOffset, y: onBase.y - options.yOffset, width: onBase.width, height: onBase.height };
  const source = rotationSource(target, options.rotation, output);

  const resize = planOverlayResize(inputs.overlay, target, options.resizeMethod);
  const maskAlpha = mask && resizeBicubicPillow(maskLuma(mask), target);
  checkTime('resizing the mask');

  if (options.rotation % 360 === 0) {
    // Unrotated, every step maps rows to rows: go band by band, so that only
    // a band of the overlay is ever held, and it is still in cache when blended.
    const bandRows = Math.max(1, Math.min(output.height, Math.floor(BAND_BYTES / (output.width * 4))));
    const bandBuffer = new Uint8Array(bandRows * output.width * 4);
    for (let top = 0; top < output.height; top += bandRows) {
      checkTime('compositing');
      const band = { ...output, y: output.y + top, height: Math.min(bandRows, output.height - top) };
      const overlay = applyMaskAndOpacity(resize(band, bandBuffer), maskAlpha && cropGrey(maskAlpha, band), options.opacity, bandBuffer);
      compositeOver(base, overlay, onBase.x, onBase.y + top);
    }
    return base;
  }
  let overlay = resize(source);
  checkTime('resizing the overlay');
  overlay = applyMaskAndOpacity(overlay, maskAlpha && cropGrey(maskAlpha, source), options.opacity);
  overlay = rotateOverlay(overlay, options.rotation, { overlay: target, source, output });
  checkTime('rotating the overlay');
  compositeOver(base, overlay, onBase.x, onBase.y);
  return base;
}
