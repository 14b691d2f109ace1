import { describeValue, SuperimposeError } from '../contract/errors.js';
import { parseMockupRequest, type MockupRequest } from '../contract/mockup.js';
import type { ImageSource } from '../contract/parameters.js';
import { renderMockupRequest } from '../runtime/mockup.js';
import type { RenderOptions, SuperimposeResult } from '../runtime/render.js';

export type MockupOptions = RenderOptions;

/**
 * The library's mockup: validates the request once, with the schema the
 * server uses, then paints its layers on the base (MOCKUP.md). A bad request
 * throws a SuperimposeError naming the layer and field, as the HTTP 400 does.
 */
export async function mockup(request: MockupRequest, options: MockupOptions = {}): Promise<SuperimposeResult> {
  return renderMockupRequest(parseMockupRequest(request), options);
}

/** A template's image fields: a placeholder is a whole string `{{name}}`. */
const PLACEHOLDER = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/** A mockup template: a mockup request whose image fields may hold placeholders. */
export interface MockupTemplate {
  readonly base_image: unknown;
  readonly layers: readonly Readonly<Record<string, unknown>>[];
  readonly [field: string]: unknown;
}

/** The placeholders a template names, each with the first field it fills. */
export function templatePlaceholders(template: MockupTemplate): Map<string, string> {
  const found = new Map<string, string>();
  mapTemplateImages(template, (value, field) => {
    const name = typeof value === 'string' ? PLACEHOLDER.exec(value)?.[1] : undefined;
    if (name !== undefined && !found.has(name)) found.set(name, field);
    return value;
  });
  return found;
}

/**
 * Fills a template's placeholders with images: every `{{name}}` image field
 * takes `values[name]`. A placeholder without a value, and a value no
 * placeholder names, are refused, naming them.
 */
export function fillTemplate(template: MockupTemplate, values: Readonly<Record<string, ImageSource>>): MockupRequest {
  const named = templatePlaceholders(template);
  for (const name of Object.keys(values)) {
    if (!named.has(name)) {
      const known = [...named.keys()].map((n) => `{{${n}}}`).join(', ') || 'none';
      throw new SuperimposeError('invalid_parameter', `Expected a value for a placeholder of the template but received ${describeValue(name)}, which it does not name (it names ${known})`, { field: name });
    }
  }
  const filled = mapTemplateImages(template, (value, field) => {
    const name = typeof value === 'string' ? PLACEHOLDER.exec(value)?.[1] : undefined;
    if (name === undefined) return value;
    const image = values[name];
    if (image === undefined) throw new SuperimposeError('invalid_parameter', `Expected a value for {{${name}}} in ${field} but received none`, { field });
    return image;
  });
  return filled as MockupRequest;
}

/**
 * A copy of a template (or of any request-shaped JSON) with each image field
 * (base_image, and each layer's image, clip and displacement map other than
 * "base") replaced by `fill(value, field)`; fields it lacks stay absent, and
 * what is not shaped as a request is left for the contract to refuse.
 */
export function mapTemplateImages(template: MockupTemplate, fill: (value: unknown, field: string) => unknown): MockupTemplate {
  const layers = Array.isArray(template.layers)
    ? template.layers.map((layer: unknown, i) => {
        if (typeof layer !== 'object' || layer === null) return layer;
        const copy: Record<string, unknown> = { ...layer };
        if ('image' in copy) copy['image'] = fill(copy['image'], `layers[${i}].image`);
        if ('clip' in copy) copy['clip'] = fill(copy['clip'], `layers[${i}].clip`);
        const displacement = copy['displacement'];
        if (typeof displacement === 'object' && displacement !== null && 'map' in displacement && displacement.map !== 'base') {
          copy['displacement'] = { ...displacement, map: fill(displacement.map, `layers[${i}].displacement.map`) };
        }
        return copy;
      })
    : template.layers;
  return { ...template, ...('base_image' in template && { base_image: fill(template.base_image, 'base_image') }), layers } as MockupTemplate;
}
