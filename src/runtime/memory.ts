import type { ImageHeader } from '../engine/probe.js';
import type { Size } from '../engine/raster.js';

/** What the headers of a request's inputs say, before anything is decoded. */
interface InputHeaders {
  readonly base: ImageHeader | undefined;
  readonly overlay: ImageHeader | undefined;
  readonly mask: ImageHeader | undefined;
  /** Encoded bytes of all inputs together, held for the whole render. */
  readonly encodedBytes: number;
}

/**
 * Bytes a pixel that a format's decoder holds beside the decoded raster while
 * it works, as measured on 49-megapixel images (bench/RESULTS.md): libheif
 * keeps whole frames of its own for AVIF and HEIF; libwebp and GIF's palette
 * expansion a plane or so; JPEG, PNG and TIFF stream their rows.
 */
const DECODER_SCRATCH_BYTES_PER_PIXEL: Readonly<Record<string, number>> = { heif: 12, webp: 2, gif: 2 };

const area = (size: Size | undefined): number => (size ? size.width * size.height : 0);

/** What decoding an input costs beyond its raster. */
const scratch = (header: ImageHeader | undefined): number => area(header) * (DECODER_SCRATCH_BYTES_PER_PIXEL[header?.format ?? ''] ?? 0);

/**
 * A render's peak memory, in bytes, from its inputs' headers and the overlay's
 * resized and turned canvas (engine/compose.ts, overlaySizes), every raster
 * counted at 4 bytes a pixel. The base is decoded and composited in place, then
 * handed to the encoder (2 copies); the overlay is decoded and premultiplied
 * (2); its resized, masked and turned steps are held at most at the size of the
 * base it lands on (3); a mask is decoded and reduced to a grey plane (5 bytes a
 * pixel) and resampled to the overlay (1); and each decoder holds its scratch.
 * An input whose header could not be read adds only its encoded bytes: its
 * decoder refuses it before allocating.
 */
export function estimateRenderBytes(headers: InputHeaders, canvas: Size | undefined): number {
  const { base, overlay, mask } = headers;
  const placed = Math.min(area(canvas), area(base));
  const rasters = area(base) * 4 * 2 + area(overlay) * 4 * 2 + area(mask) * 5 + placed * 4 * 3 + (mask ? placed : 0);
  return headers.encodedBytes + rasters + scratch(base) + scratch(overlay) + scratch(mask);
}

/** What the headers of a mockup's inputs say. */
interface MockupHeaders {
  readonly base: ImageHeader | undefined;
  readonly layers: readonly { readonly image: ImageHeader | undefined; readonly clip: ImageHeader | undefined; readonly map: ImageHeader | undefined; readonly baseMap: boolean }[];
  readonly encodedBytes: number;
}

/**
 * A mockup's peak memory, in bytes, from its inputs' headers. The base is
 * decoded and painted in place, then handed to the encoder (2 copies at 4
 * bytes a pixel); every design, clip and map is decoded up front (a design
 * twice more when fitted or reduced); a clip is reduced to a grey plane of the
 * base's size, a map to a blurred one (float64 passes, 16 bytes a pixel); a
 * "base" map copies the base once for all layers.
 */
export function estimateMockupBytes(headers: MockupHeaders): number {
  const baseArea = area(headers.base);
  let bytes = headers.encodedBytes + baseArea * 4 * 2 + scratch(headers.base);
  for (const layer of headers.layers) {
    bytes += area(layer.image) * 4 * 3 + scratch(layer.image);
    if (layer.clip) bytes += area(layer.clip) * 4 + scratch(layer.clip) + baseArea;
    if (layer.map) bytes += area(layer.map) * 4 + scratch(layer.map) + baseArea * 17;
    if (layer.baseMap) bytes += baseArea * 17;
  }
  if (headers.layers.some((layer) => layer.baseMap)) bytes += baseArea * 4;
  return bytes;
}
