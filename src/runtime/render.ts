import { SuperimposeError } from '../contract/errors.js';
import type { ImageSource } from '../contract/parameters.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { decodeImage, decodeRgba, encodeImage, type DecodeOptions, type EncodeOptions, type OutputFormat } from '../engine/codec.js';
import { compose, type ComposeOptions } from '../engine/compose.js';
import { deadlineAfter } from '../engine/deadline.js';
import type { PixelLimit } from '../engine/limits.js';
import type { Raster } from '../engine/raster.js';
import type { DecodedImageCache, ImageField } from './decoded-cache.js';
import { DEFAULT_PIXEL_LIMITS, type PixelLimits } from './limits.js';
import { renderRefusal } from './render-timeout.js';
import { settingName, type SettingNames } from './settings.js';
import { loadImageSource, type UrlLoader } from './sources.js';
import { checkSvgInput } from './svg-input.js';

export interface RenderOptions {
  readonly limits?: Partial<PixelLimits>;
  /** Fetcher for http(s) image fields; without it URLs are refused. */
  readonly loadUrl?: UrlLoader;
  /** Whether image strings may name local files (default true; the server turns it off). */
  readonly allowFiles?: boolean;
  /** Decoded inputs to share across calls: a source string is then decoded once. */
  readonly cache?: DecodedImageCache;
  /** Stops the work: its URL fetches at once, the render between steps (the client that asked has gone). */
  readonly signal?: AbortSignal;
  /** How refusals name the limits. */
  readonly names?: SettingNames;
  /** Wall-clock bound on the render, from the call to its encoded output (default: none). */
  readonly timeoutMs?: number | undefined;
  /** Whether SVG inputs are taken (default 'on', within the SVG policy of svg-policy.ts). */
  readonly svg?: 'on' | 'off';
}

export interface SuperimposeResult {
  readonly data: Buffer;
  readonly info: { readonly width: number; readonly height: number; readonly format: OutputFormat };
}

/** A validated request as the engine takes it: where the images come from, how to compose, how to encode. */
export interface SuperimposePlan {
  readonly images: { readonly base_image: ImageSource; readonly overlay_image: ImageSource; readonly mask: ImageSource | undefined };
  readonly compose: ComposeOptions;
  readonly encode: EncodeOptions;
}

export function planSuperimpose(params: SuperimposeParams): SuperimposePlan {
  return {
    images: { base_image: params.base_image, overlay_image: params.overlay_image, mask: params.mask },
    compose: {
      overlayResize: params.overlay_resize,
      resizeMethod: params.resize_method,
      rescaleFactor: params.rescale_factor,
      width: params.width,
      height: params.height,
      opacity: params.opacity,
      rotation: params.rotation,
      xOffset: params.x_offset,
      yOffset: params.y_offset,
    },
    encode: { format: params.image_format, quality: params.image_quality },
  };
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SuperimposeError('cancelled', 'The request was cancelled');
}

/** The bound the overlay answers to after resizing and again after rotation. */
export const overlayLimit = (limits: PixelLimits, names: SettingNames | undefined): PixelLimit => ({
  maxPixels: limits.maxOverlayPixels,
  limitName: settingName(names, 'maxOverlayPixels'),
});

/** The bound each input answers to: the output has the base's size, so the base answers to the tighter of two. */
export function inputLimit(field: string, limits: PixelLimits, names: SettingNames | undefined): PixelLimit {
  if (field === 'base_image' && limits.maxOutputPixels < limits.maxInputPixels) {
    return { maxPixels: limits.maxOutputPixels, limitName: settingName(names, 'maxOutputPixels') };
  }
  return { maxPixels: limits.maxInputPixels, limitName: settingName(names, 'maxInputPixels') };
}

/**
 * Renders a validated request: loads and decodes the inputs, composes, encodes.
 * Validation is the caller's, once, at its surface; what the engine refuses
 * comes out as a SuperimposeError.
 */
export async function renderSuperimpose(params: SuperimposeParams, options: RenderOptions = {}): Promise<SuperimposeResult> {
  try {
    return await renderPlan(planSuperimpose(params), options);
  } catch (error) {
    throw renderRefusal(error, options);
  }
}

async function renderPlan(plan: SuperimposePlan, options: RenderOptions): Promise<SuperimposeResult> {
  const limits = { ...DEFAULT_PIXEL_LIMITS, ...options.limits };
  const deadline = options.timeoutMs === undefined ? undefined : deadlineAfter(options.timeoutMs);
  const svg = { svg: options.svg ?? 'on', names: options.names } as const;
  // With a cache, a load may serve other renders, so no load stops with this render's signal.
  const sourceOptions = { allowFiles: options.allowFiles ?? true, loadUrl: options.loadUrl, signal: options.cache ? undefined : options.signal };
  const decode = <R extends Raster>(field: ImageField, source: ImageSource, decoder: (bytes: Buffer, options: DecodeOptions) => Promise<R>) => {
    const limit = inputLimit(field, limits, options.names);
    const fresh = () =>
      loadImageSource(source, field, sourceOptions).then(async (bytes) => {
        await checkSvgInput(bytes, field, { ...svg, maxPixels: limit.maxPixels });
        return decoder(bytes, { field, ...limit, deadline });
      });
    // Strings (paths, URLs, base64) name a source worth caching.
    return options.cache && typeof source === 'string' ? (options.cache.get(field, source, fresh) as Promise<R>) : fresh();
  };
  const { images } = plan;
  const [base, overlay, mask] = await Promise.all([
    decode('base_image', images.base_image, decodeImage),
    decode('overlay_image', images.overlay_image, decodeRgba),
    images.mask === undefined ? undefined : decode('mask', images.mask, decodeRgba),
  ]);
  throwIfCancelled(options.signal);
  const composed = compose({ base, overlay, mask }, { ...plan.compose, deadline }, overlayLimit(limits, options.names));
  throwIfCancelled(options.signal);
  const data = await encodeImage(composed, { ...plan.encode, deadline });
  return { data, info: { width: composed.width, height: composed.height, format: plan.encode.format } };
}
