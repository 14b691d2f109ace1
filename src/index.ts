// The library's public API, listed on purpose. The server is apart: 'superimpose-local/server'.
export { superimpose, type SuperimposeOptions } from './library/superimpose.js';
export type { SuperimposeResult } from './runtime/render.js';
export { mockup, fillTemplate, mapTemplateImages, templatePlaceholders, type MockupOptions, type MockupTemplate } from './library/mockup.js';
export { mockupRequestSchema, parseMockupRequest, MOCKUP_LIMITS, type MockupRequest, type MockupParams } from './contract/mockup.js';
export { BLEND_MODES, type BlendMode } from './engine/mockup/blend.js';
export { FITS, type Fit } from './engine/mockup/fit.js';
export {
  SUPERIMPOSE_PARAMETERS,
  superimposeRequestSchema,
  parseSuperimposeRequest,
  type SuperimposeRequest,
  type SuperimposeParams,
} from './contract/superimpose.js';
export type { ImageSource } from './contract/parameters.js';
export { SuperimposeError, ERROR_STATUS, type ErrorCode } from './contract/errors.js';
export { compareImages, ImageSizeMismatchError, type ComparableImage, type CompareOptions, type ImageDifference, type RgbaImage } from './golden/compare.js';
export type { UrlLoader } from './runtime/sources.js';
export { createUrlLoader, type UrlFetchOptions } from './runtime/url-fetch.js';
export { DecodedImageCache } from './runtime/decoded-cache.js';
export { DEFAULT_PIXEL_LIMITS, type PixelLimits } from './runtime/limits.js';
export { RESIZE_METHODS, type ResizeMethod } from './engine/resample.js';
export { OVERLAY_RESIZE_MODES, type OverlayResize } from './engine/target-size.js';
export { OUTPUT_FORMATS, type OutputFormat } from './engine/codec.js';
export { runGenerative, sd15Img2Img, bgReplace, segSwap, type GenerativeOptions, type GenerativeResult } from './proxy/models.js';
export { GENERATIVE_MODELS, validateGenerativeRequest, type GenerativeModel, type GenerativeRequest } from './contract/generative.js';
