import type { MockupLayerParams, MockupParams } from '../contract/mockup.js';
import type { ImageSource } from '../contract/parameters.js';
import { decodeImage, decodeRgba, encodeImage, type DecodeOptions } from '../engine/codec.js';
import { deadlineAfter } from '../engine/deadline.js';
import { renderMockup, type MockupLayerInput } from '../engine/mockup/pipeline.js';
import type { Raster } from '../engine/raster.js';
import { DEFAULT_PIXEL_LIMITS } from './limits.js';
import { inputLimit, throwIfCancelled, type RenderOptions, type SuperimposeResult } from './render.js';
import { renderRefusal } from './render-timeout.js';
import { loadImageSource } from './sources.js';
import { checkSvgInput } from './svg-input.js';

/** Every image field of a mockup request, by the name its refusals give: `base_image`, `layers[1].image`, `layers[0].clip`, `layers[2].displacement.map`. */
interface MockupImageField {
  readonly field: string;
  readonly source: ImageSource;
}

/** The image fields of a validated request, in order: the base, then each layer's image, clip and map. */
export function mockupImageFields(params: MockupParams): MockupImageField[] {
  const fields: MockupImageField[] = [{ field: 'base_image', source: params.base_image }];
  params.layers.forEach((layer: MockupLayerParams, i) => {
    fields.push({ field: `layers[${i}].image`, source: layer.image });
    if (layer.clip !== undefined) fields.push({ field: `layers[${i}].clip`, source: layer.clip });
    const map = layer.displacement?.map;
    if (map !== undefined && map !== 'base') fields.push({ field: `layers[${i}].displacement.map`, source: map });
  });
  return fields;
}

/**
 * Renders a validated mockup request: loads and decodes every image, paints
 * the layers with the engine, encodes. As renderSuperimpose: validation is the
 * caller's, refusals come out as SuperimposeErrors, and `options.cache` shares
 * decoded inputs across renders (plan it with mockupImageFields).
 */
export async function renderMockupRequest(params: MockupParams, options: RenderOptions = {}): Promise<SuperimposeResult> {
  try {
    return await renderMockupPlan(params, options);
  } catch (error) {
    throw renderRefusal(error, options);
  }
}

async function renderMockupPlan(params: MockupParams, options: RenderOptions): Promise<SuperimposeResult> {
  const limits = { ...DEFAULT_PIXEL_LIMITS, ...options.limits };
  const deadline = options.timeoutMs === undefined ? undefined : deadlineAfter(options.timeoutMs);
  // With a cache, a load may serve other renders, so no load stops with this render's signal.
  const sourceOptions = { allowFiles: options.allowFiles ?? true, loadUrl: options.loadUrl, signal: options.cache ? undefined : options.signal };
  const load = <R extends Raster>(field: string, source: ImageSource, decoder: (bytes: Buffer, decodeOptions: DecodeOptions) => Promise<R>): Promise<R> => {
    const limit = inputLimit(field, limits, options.names);
    const fresh = () =>
      loadImageSource(source, field, sourceOptions).then(async (bytes) => {
        await checkSvgInput(bytes, field, { svg: options.svg ?? 'on', names: options.names, maxPixels: limit.maxPixels });
        return decoder(bytes, { field, ...limit, deadline });
      });
    // Strings (paths, URLs, base64) name a source worth caching; the cache keys each field by how it decodes.
    return options.cache && typeof source === 'string' ? (options.cache.get(field, source, fresh) as Promise<R>) : fresh();
  };
  // Every image is loaded and decoded at once.
  const base = load('base_image', params.base_image, decodeImage);
  const layerInputs = params.layers.map((layer, i) => {
    const map = layer.displacement?.map;
    return {
      image: load(`layers[${i}].image`, layer.image, decodeRgba),
      clip: layer.clip === undefined ? undefined : load(`layers[${i}].clip`, layer.clip, decodeRgba),
      map: map === undefined || map === 'base' ? undefined : load(`layers[${i}].displacement.map`, map, decodeImage),
    };
  });
  // Wait for every decode, so that none is left running unobserved after a refusal.
  const pending = [base, ...layerInputs.flatMap((inputs) => [inputs.image, inputs.clip, inputs.map])];
  const failed = (await Promise.allSettled(pending)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  const layers: MockupLayerInput[] = await Promise.all(
    params.layers.map(async (layer, i): Promise<MockupLayerInput> => {
      const inputs = layerInputs[i]!;
      return {
        image: await inputs.image,
        quad: layer.quad,
        fit: layer.fit,
        blendMode: layer.blend_mode,
        opacity: layer.opacity,
        clip: await inputs.clip,
        displacement: layer.displacement && { map: (await inputs.map) ?? 'base', strength: layer.displacement.strength, blur: layer.displacement.blur },
      };
    }),
  );
  throwIfCancelled(options.signal);
  const painted = renderMockup(await base, layers, { deadline });
  const data = await encodeImage(painted, { format: params.image_format, quality: params.image_quality, deadline });
  return { data, info: { width: painted.width, height: painted.height, format: params.image_format } };
}
