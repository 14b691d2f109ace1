import type { Quad } from './config.js';

/** An image the user picked: the name snippets and templates give it, and its bytes as base64. */
export interface PickedImage {
  readonly name: string;
  readonly base64: string;
}

/** Pixels at luma 0 or 255: one number for both axes, or [x, y]; sent as held. */
export type Strength = number | readonly [number, number];

export type Displacement =
  | { readonly kind: 'none' }
  | { readonly kind: 'base'; readonly strength: Strength; readonly blur: number | undefined }
  | { readonly kind: 'map'; readonly map: PickedImage | undefined; readonly strength: Strength; readonly blur: number | undefined };

export interface LayerState {
  readonly design: PickedImage | undefined;
  readonly quad: Quad;
  readonly fit: string;
  readonly blend_mode: string;
  /** As typed: the server, not the page, says what is out of range. */
  readonly opacity: number;
  readonly clip: PickedImage | undefined;
  readonly displacement: Displacement;
}

export interface MockupState {
  readonly base: PickedImage | undefined;
  readonly layers: readonly LayerState[];
  readonly image_format: string;
  readonly image_quality: number;
}

/** A superimpose request's fields as the controls hold them; images picked or not yet. */
export type SuperimposeState = Readonly<Record<string, string | number | boolean | PickedImage | undefined>>;

/** JSON with images left as they are in a given form: base64 for the API, a file reference for snippets, a path for templates. */
export type RequestTree<I> = I | string | number | boolean | readonly RequestTree<I>[] | { readonly [key: string]: RequestTree<I> };

/** Where an image sits in a request, for the forms that name it by role (templates' placeholders). */
export type ImageRole = { readonly field: 'base_image' | 'overlay_image' | 'mask' } | { readonly field: 'image' | 'clip' | 'map'; readonly layer: number };

const isPicked = (value: unknown): value is PickedImage => typeof value === 'object' && value !== null && 'base64' in value && 'name' in value;

/** The mockup request of a state whose images are all there, else undefined; `image` gives each image its form. */
export function mockupRequest<I>(state: MockupState, image: (picked: PickedImage, role: ImageRole) => I): { [key: string]: RequestTree<I> } | undefined {
  if (!state.base || state.layers.length === 0 || state.layers.some((layer) => !layer.design || (layer.displacement.kind === 'map' && !layer.displacement.map))) return undefined;
  const layers = state.layers.map((layer, index) => {
    const out: { [key: string]: RequestTree<I> } = {
      image: image(layer.design!, { field: 'image', layer: index }),
      // As held: a moved corner is already rounded, and an example's corners stay exact so it renders as its template does.
      quad: layer.quad.map(([x, y]) => [x, y]),
      fit: layer.fit,
      blend_mode: layer.blend_mode,
      opacity: layer.opacity,
    };
    if (layer.clip) out['clip'] = image(layer.clip, { field: 'clip', layer: index });
    const { displacement } = layer;
    if (displacement.kind !== 'none') {
      const map = displacement.kind === 'base' ? 'base' : image(displacement.map!, { field: 'map', layer: index });
      out['displacement'] = { map, strength: displacement.strength, ...(displacement.blur !== undefined && { blur: displacement.blur }) };
    }
    return out;
  });
  return { base_image: image(state.base, { field: 'base_image' }), layers, image_format: state.image_format, image_quality: state.image_quality };
}

/** The superimpose request of a state whose required images are there, else undefined; values left empty are left out (the defaults apply). */
export function superimposeRequest<I>(state: SuperimposeState, required: readonly string[], image: (picked: PickedImage, role: ImageRole) => I): { [key: string]: RequestTree<I> } | undefined {
  if (required.some((name) => !isPicked(state[name]))) return undefined;
  const out: { [key: string]: RequestTree<I> } = {};
  for (const [name, value] of Object.entries(state)) {
    if (value === undefined || value === '') continue;
    out[name] = isPicked(value) ? image(value, { field: name as 'base_image' | 'overlay_image' | 'mask' }) : value;
  }
  return out;
}

/** The images as the API takes them: raw base64. */
export const asBase64 = (picked: PickedImage): string => picked.base64;
