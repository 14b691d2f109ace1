import { cropRgba, wholeOf, type Rect, type Rgba, type Size } from '../raster.js';
import { RESAMPLE_PLANNERS } from '../resample.js';
import { roundHalfEven } from '../target-size.js';
import type { AreaRect, AreaSize } from './geometry.js';

export const FITS = ['contain', 'cover', 'stretch'] as const;
export type Fit = (typeof FITS)[number];

/** Step 2's outcome: which design pixels are drawn, and where in the area rectangle. */
export interface FitPlan {
  /** The part of the design drawn, in its pixels: all of it but under `cover`. */
  readonly crop: Rect;
  /** Where those pixels go, in area units, pixel edges: the whole area but under `contain`. */
  readonly drawn: AreaRect;
}

/** Step 2. */
export function planFit(design: Size, area: AreaSize, fit: Fit): FitPlan {
  const { width: W, height: H } = design;
  const { width: aw, height: ah } = area;
  const whole: AreaRect = { x: 0, y: 0, width: aw, height: ah };
  switch (fit) {
    case 'stretch':
      return { crop: wholeOf(design), drawn: whole };
    case 'contain': {
      const s = Math.min(aw / W, ah / H);
      const width = W * s;
      const height = H * s;
      return { crop: wholeOf(design), drawn: { x: (aw - width) / 2, y: (ah - height) / 2, width, height } };
    }
    case 'cover':
      return { crop: coverCrop(design, area), drawn: whole };
  }
}

/**
 * The centred crop of the design to the area's aspect ratio. At least one
 * pixel: an area thousands of times wider than tall would otherwise round a
 * small design's crop height to 0.
 */
function coverCrop(design: Size, area: AreaSize): Rect {
  const { width: W, height: H } = design;
  const cropWidth = roundHalfEven((H * area.width) / area.height);
  if (cropWidth < W) {
    const width = Math.max(1, cropWidth);
    return { x: Math.floor((W - width) / 2), y: 0, width, height: H };
  }
  const height = Math.max(1, Math.min(H, roundHalfEven((W * area.height) / area.width)));
  return { x: 0, y: Math.floor((H - height) / 2), width: W, height };
}

/**
 * Step 3: the size a design of `pixels` drawn over `drawn` (area units) is
 * reduced to first, or undefined when it is drawn as it is. Past twice the
 * drawn size, bilinear sampling would skip pixels and alias.
 */
export function preReducedSize(pixels: Size, drawn: AreaSize): Size | undefined {
  if (!(pixels.width > 2 * drawn.width || pixels.height > 2 * drawn.height)) return undefined;
  return {
    width: Math.min(pixels.width, Math.ceil(2 * drawn.width)),
    height: Math.min(pixels.height, Math.ceil(2 * drawn.height)),
  };
}

/** Steps 2 and 3 on the pixels: the design cropped as `plan` says, then pre-reduced with the engine's `area` resampler (premultiplied). */
export function prepareDesign(design: Rgba, plan: FitPlan): Rgba {
  const cropped = cropRgba(design, plan.crop);
  const size = preReducedSize(cropped, plan.drawn);
  return size ? RESAMPLE_PLANNERS.area(cropped, size)(wholeOf(size)) : cropped;
}
