import { parseSuperimposeRequest, type ImageSource, type SuperimposeParams, type SuperimposeRequest } from './contract/superimpose.js';
import { decodeImage, decodeRgba, encodeImage, type OutputFormat } from './engine/codec.js';
import { compose, type ComposeOptions } from './engine/compose.js';
import { DEFAULT_PIXEL_LIMITS, type PixelLimits } from './engine/limits.js';
import { loadImageSource, type UrlLoader } from './image-source.js';

export interface SuperimposeOptions {
  readonly limits?: Partial<PixelLimits>;
  /** Fetcher for http(s) image fields; without it URLs are refused. */
  readonly loadUrl?: UrlLoader;
  /** Whether image strings may name local files (default true; the server turns it off). */
  readonly allowFiles?: boolean;
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

/** Validates, loads and decodes the inputs, composes, and encodes. Bad input throws a SuperimposeError. */
export async function superimpose(request: SuperimposeRequest, options: SuperimposeOptions = {}): Promise<SuperimposeResult> {
  const params = parseSuperimposeRequest(request);
  const limits = { ...DEFAULT_PIXEL_LIMITS, ...options.limits };
  const sourceOptions = { allowFiles: options.allowFiles ?? true, loadUrl: options.loadUrl };
  const load = (field: 'base_image' | 'overlay_image' | 'mask', source: ImageSource) => loadImageSource(source, field, sourceOptions);
  const decodeOptions = (field: string) => ({ field, maxPixels: limits.maxInputPixels });
  const [base, overlay, mask] = await Promise.all([
    load('base_image', params.base_image).then((bytes) => decodeImage(bytes, decodeOptions('base_image'))),
    load('overlay_image', params.overlay_image).then((bytes) => decodeRgba(bytes, decodeOptions('overlay_image'))),
    params.mask === undefined ? undefined : load('mask', params.mask).then((bytes) => decodeRgba(bytes, decodeOptions('mask'))),
  ]);
  const composed = compose({ base, overlay, mask }, toComposeOptions(params), limits);
  const data = await encodeImage(composed, { format: params.image_format, quality: params.image_quality });
  return { data, info: { width: composed.width, height: composed.height, format: params.image_format } };
}
