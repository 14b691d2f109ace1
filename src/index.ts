// The public API, listed on purpose.
export { superimpose, type SuperimposeOptions, type SuperimposeResult } from './superimpose.js';
export {
  SUPERIMPOSE_PARAMETERS,
  superimposeRequestSchema,
  parseSuperimposeRequest,
  type ImageSource,
  type SuperimposeRequest,
  type SuperimposeParams,
} from './contract/superimpose.js';
export { SuperimposeError, ERROR_STATUS, type ErrorCode } from './errors.js';
export type { UrlLoader } from './image-source.js';
export { createUrlLoader, type UrlFetchOptions } from './http/url-fetch.js';
export { DecodedImageCache } from './decoded-cache.js';
export type { PixelLimits } from './engine/limits.js';
export { DEFAULT_PIXEL_LIMITS } from './engine/limits.js';
export { RESIZE_METHODS, type ResizeMethod } from './engine/resample.js';
export { OVERLAY_RESIZE_MODES, type OverlayResize } from './engine/target-size.js';
export { OUTPUT_FORMATS, type OutputFormat } from './engine/codec.js';
export { runGenerative, sd15Img2Img, bgReplace, segSwap, type GenerativeOptions, type GenerativeResult } from './proxy/models.js';
export { GENERATIVE_MODELS, validateGenerativeRequest, type GenerativeModel, type GenerativeRequest } from './contract/generative.js';
export { buildApp } from './http/app.js';
export { loadConfig, type Config } from './config.js';
