import { parseSuperimposeRequest, type ImageSource, type SuperimposeParams, type SuperimposeRequest } from './contract/superimpose.js';
import { decodeImage, decodeRgba, encodeImage, type DecodeOptions, type OutputFormat } from './engine/codec.js';
import { compose, type ComposeOptions } from './engine/compose.js';
import { DEFAULT_PIXEL_LIMITS, type PixelLimits } from './engine/limits.js';
import type { Raster } from './engine/raster.js';
import { SuperimposeError } from './errors.js';
import { loadImageSource, type UrlLoader } from './image-source.js';
import type { DecodedImageCache, ImageField } from './decoded-cache.js';

export interface SuperimposeOptions {
  readonly limits?: Partial<PixelLimits>;
  /** Fetcher for http(s) image fields; without it URLs are refused. */
  readonly loadUrl?: UrlLoader;
  /** Whether image strings may name local files (default true; the server turns it off). */
  readonly allowFiles?: boolean;
  /** Decoded inputs to share across calls: a source string is then decoded once. */
  readonly cache?: DecodedImageCache;
  /** Stops the work between steps, e.g. when the client that asked has gone. */
  readonly signal?: AbortSignal;
}

export interface SuperimposeResult {
  readonly data: Buffer;
  readonly info: { readonly width: number; readonly height: number; readonly format: OutputFormat };
}

export function toComposeOptions(params: SuperimposeParams): ComposeOptions {
  return {
    overlayResize: params.overlay_resize,
    resizeMethod: params.resize_method,
    rescaleFactor: params.rescale_factor,
    width: params.width,
    height: params.height,
    opacity: params.opacity,
    rotation: params.rotation,
    xOffset: params.x_offset,
    yOffset: params.y_offset,
  };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SuperimposeError('cancelled', 'The request was cancelled');
}

/** Validates, loads and decodes the inputs, composes, and encodes. Bad input throws a SuperimposeError. */
export async function superimpose(request: SuperimposeRequest, options: SuperimposeOptions = {}): Promise<SuperimposeResult> {
  const params = parseSuperimposeRequest(request);
  const limits = { ...DEFAULT_PIXEL_LIMITS, ...options.limits };
  const sourceOptions = { allowFiles: options.allowFiles ?? true, loadUrl: options.loadUrl };
  // The output has the base's size, so the base answers to both limits.
  const baseLimit = limits.maxOutputPixels < limits.maxInputPixels ? { maxPixels: limits.maxOutputPixels, limitName: 'SUPERIMPOSE_MAX_OUTPUT_PIXELS' } : undefined;
  const decode = <R extends Raster>(field: ImageField, source: ImageSource, decoder: (bytes: Buffer, options: DecodeOptions) => Promise<R>) => {
    const limit = (field === 'base_image' && baseLimit) || { maxPixels: limits.maxInputPixels, limitName: 'SUPERIMPOSE_MAX_INPUT_PIXELS' };
    const fresh = () => loadImageSource(source, field, sourceOptions).then((bytes) => decoder(bytes, { field, ...limit }));
    // Strings (paths, URLs, base64) name a source worth caching.
    return options.cache && typeof source === 'string' ? (options.cache.get(field, source, fresh) as Promise<R>) : fresh();
  };
  const [base, overlay, mask] = await Promise.all([
    decode('base_image', params.base_image, decodeImage),
    decode('overlay_image', params.overlay_image, decodeRgba),
    params.mask === undefined ? undefined : decode('mask', params.mask, decodeRgba),
  ]);
  throwIfCancelled(options.signal);
  const composed = compose({ base, overlay, mask }, toComposeOptions(params), limits);
  throwIfCancelled(options.signal);
  const data = await encodeImage(composed, { format: params.image_format, quality: params.image_quality });
  return { data, info: { width: composed.width, height: composed.height, format: params.image_format } };
}
