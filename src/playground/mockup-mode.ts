import { defaultOf, enumValues, type Example, type ExampleFile, type ExampleLayer, type PlaygroundConfig, type Point, type Quad } from './config.js';
import { fileBase64, field, h, select, showError } from './dom.js';
import { splitField } from './errors.js';
import { moveCorner, startingQuad } from './geometry.js';
import type { Mode } from './mode.js';
import { mockupRequest, type Displacement, type ImageRole, type LayerState, type MockupState, type PickedImage, type RequestTree, type Strength } from './request.js';
import { Stage } from './stage.js';
import { mockupTemplate } from './template.js';

/** A picked image with its size in pixels. */
interface Picked extends PickedImage {
  readonly width: number;
  readonly height: number;
}

/** The product photo: the page shows it, from this object URL (let go when the photo is replaced). */
interface Photo extends Picked {
  readonly url: string;
}

async function pickPhoto(blob: Blob, name: string): Promise<Photo> {
  const url = URL.createObjectURL(blob);
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch {
    // Not decodable here (the server may still read it, or say why not): no size.
  }
  try {
    return { name, base64: await fileBase64(blob), url, width: image.naturalWidth, height: image.naturalHeight };
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
}

/** Any other image: its object URL served only to learn its size, so it is let go at once. */
async function pick(blob: Blob, name: string): Promise<Picked> {
  const { url, ...picked } = await pickPhoto(blob, name);
  URL.revokeObjectURL(url);
  return picked;
}

async function fetchExampleFile(file: ExampleFile): Promise<Blob> {
  const response = await fetch(file.url);
  if (!response.ok) throw new Error(`Could not load the example file ${file.name}: ${response.status}`);
  return response.blob();
}

const pickExampleFile = async (file: ExampleFile): Promise<Picked> => pick(await fetchExampleFile(file), file.name);

/** A number input's value, or `fallback` while it holds none (cleared, or half typed): NaN never reaches a request. */
const finiteOr = (input: HTMLInputElement, fallback: number): number => (Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : fallback);

type Layer = { -readonly [K in keyof LayerState]: LayerState[K] };

/** Mockup mode: a product photo, layers placed by their corners, each with its design, fit, blend, clip and displacement. */
export class MockupMode implements Mode {
  readonly name = 'mockup';
  readonly endpoint = '/v1/mockup';
  readonly outputStem = 'mockup';
  readonly element: HTMLElement;
  readonly stage: Stage;
  onChange: () => void = () => {};

  private base: Photo | undefined;
  private layers: Layer[] = [];
  /** Bumped by each new photo or example: a selection still loading when another is made is dropped. */
  private selection = 0;
  private current = 0;
  private format: string;
  private quality: number;
  private readonly layerList: HTMLDivElement;
  private readonly layerControls: HTMLDivElement;
  private readonly topFields: Map<string, HTMLElement> = new Map();
  private readonly baseInput: HTMLInputElement;

  constructor(private readonly config: PlaygroundConfig) {
    const { request } = config.mockup;
    this.format = String(defaultOf(request['image_format']) ?? 'jpeg');
    this.quality = Number(defaultOf(request['image_quality']) ?? 95);
    this.stage = new Stage({ onCorner: (corner, to) => this.moveCorner(corner, to), onDrop: (file) => void this.setBase(file, file.name) });

    this.baseInput = h('input', { type: 'file', accept: 'image/*', 'data-testid': 'base-input' });
    this.baseInput.addEventListener('change', () => {
      const file = this.baseInput.files?.[0];
      if (file) void this.setBase(file, file.name);
    });
    const examples = select(['', ...config.examples.map((example) => example.name)], '', { 'data-testid': 'example' });
    examples.firstElementChild!.textContent = 'none';
    examples.addEventListener('change', () => {
      const example = config.examples.find((e) => e.name === examples.value);
      if (example) void this.useExample(example);
    });

    const addLayer = h('button', { type: 'button', 'data-testid': 'layer-add' }, 'Add layer');
    addLayer.addEventListener('click', () => this.addLayer());
    this.layerList = h('div', { class: 'layer-list', role: 'group', 'aria-label': 'Layers' });
    this.layerControls = h('div', { class: 'layer-controls' });

    const formatSelect = select(enumValues(request['image_format']), this.format);
    formatSelect.addEventListener('change', () => {
      this.format = formatSelect.value;
      this.onChange();
    });
    const qualityInput = h('input', { type: 'number', min: 10, max: 100, step: 1, value: this.quality });
    qualityInput.addEventListener('input', () => {
      this.quality = finiteOr(qualityInput, this.quality);
      this.onChange();
    });
    const baseField = field('base_image', 'Product photo', this.baseInput, 'A file, or drop one on the photo area.');
    this.topFields.set('base_image', baseField);
    this.topFields.set('image_format', field('image_format', 'Output format', formatSelect));
    this.topFields.set('image_quality', field('image_quality', 'Quality', qualityInput, 'Of JPEG and WebP.'));
    this.topFields.set('layers', this.layerList);

    this.element = h(
      'section',
      { class: 'controls', 'aria-label': 'Mockup' },
      h('fieldset', {}, h('legend', {}, 'Photo'), baseField, field('example', 'Or an example', examples, config.examples.length ? 'Its photo, design and template.' : 'None on this server.')),
      h('fieldset', {}, h('legend', {}, 'Layers'), this.layerList, addLayer, this.layerControls),
      h('fieldset', {}, h('legend', {}, 'Output'), this.topFields.get('image_format')!, this.topFields.get('image_quality')!),
    );
    this.renderLayers();
  }

  request<I>(image: (picked: PickedImage, role: ImageRole) => I): { [key: string]: RequestTree<I> } | undefined {
    return mockupRequest(this.state(), image);
  }

  template(): { [key: string]: RequestTree<string> } | undefined {
    return mockupTemplate(this.state());
  }

  /** Shows a refusal beside the control of the field it names; false when no control shows that field. */
  showError(path: string, message: string): boolean {
    const { layer, field: name } = splitField(path);
    if (layer === undefined) {
      const wrapper = this.topFields.get(name);
      if (!wrapper) return false;
      showError(wrapper, message);
      return true;
    }
    if (layer !== this.current && layer < this.layers.length) this.select(layer);
    // A corner of a quad is reported as the quad; a displacement field without its own control, at the displacement.
    const wrapper = name.startsWith('quad')
      ? this.stage.element
      : (this.layerControls.querySelector<HTMLElement>(`[data-field="${name}"]`) ?? this.layerControls.querySelector<HTMLElement>(`[data-field="${name.split('.')[0]}"]`));
    if (!wrapper) return false;
    showError(wrapper, message);
    return true;
  }

  state(): MockupState {
    return { base: this.base, layers: this.layers, image_format: this.format, image_quality: this.quality };
  }

  private async setBase(blob: Blob, name: string): Promise<void> {
    const selection = ++this.selection;
    const photo = await pickPhoto(blob, name);
    if (!this.showPhoto(photo, selection)) return;
    if (this.layers.length === 0) this.addLayer();
    else this.refresh();
  }

  /** Shows a photo picked for `selection`, letting the previous one go; false (and the photo let go) when a newer selection was made meanwhile. */
  private showPhoto(photo: Photo, selection: number): boolean {
    if (selection !== this.selection) {
      URL.revokeObjectURL(photo.url);
      return false;
    }
    if (this.base) URL.revokeObjectURL(this.base.url);
    this.base = photo;
    this.stage.setPhoto(photo.url, photo);
    return true;
  }

  /** The example's photo and layers, all loaded first and then put in at once: a failure leaves the page as it was. */
  private async useExample(example: Example): Promise<void> {
    const selection = ++this.selection;
    const [photoBlob, design] = await Promise.all([fetchExampleFile(example.photo), pickExampleFile(example.design)]);
    const layers = await Promise.all(example.layers.map((source) => this.exampleLayer(source, design)));
    const photo = await pickPhoto(photoBlob, example.photo.name);
    if (!this.showPhoto(photo, selection)) return;
    this.baseInput.value = '';
    this.layers = layers.length ? layers : [this.newLayer(design, photo)];
    if (example.image_format) this.format = example.image_format;
    if (example.image_quality) this.quality = example.image_quality;
    this.current = 0;
    this.refresh();
  }

  /** A layer of an example's template, its files fetched; a displacement's strength as the template gives it, one number or [x, y]. */
  private async exampleLayer(source: ExampleLayer, design: Picked): Promise<Layer> {
    const layer = this.newLayer(design);
    const { displacement } = source;
    const [clip, map] = await Promise.all([
      source.clip && pickExampleFile(source.clip),
      displacement && displacement.map !== 'base' ? pickExampleFile(displacement.map) : undefined,
    ]);
    return {
      ...layer,
      quad: source.quad,
      fit: source.fit ?? layer.fit,
      blend_mode: source.blend_mode ?? layer.blend_mode,
      opacity: source.opacity ?? layer.opacity,
      clip,
      displacement: !displacement
        ? layer.displacement
        : map
          ? { kind: 'map', map, strength: displacement.strength, blur: displacement.blur }
          : { kind: 'base', strength: displacement.strength, blur: displacement.blur },
    };
  }

  private newLayer(design: Picked | undefined, base: { readonly width: number; readonly height: number } | undefined = this.base): Layer {
    const { layer } = this.config.mockup;
    return {
      design,
      quad: startingQuad(base ?? { width: 1000, height: 1000 }, design),
      fit: String(defaultOf(layer['fit']) ?? 'contain'),
      blend_mode: String(defaultOf(layer['blend_mode']) ?? 'normal'),
      opacity: Number(defaultOf(layer['opacity']) ?? 1),
      clip: undefined,
      displacement: { kind: 'none' },
    };
  }

  private addLayer(): void {
    if (this.layers.length >= this.config.mockup.maxLayers) return;
    this.layers.push(this.newLayer(undefined));
    this.current = this.layers.length - 1;
    this.refresh();
    this.layerControls.querySelector<HTMLInputElement>('[data-testid="design-input"]')?.focus();
  }

  private select(index: number): void {
    this.current = index;
    this.refresh(false);
  }

  private moveCorner(corner: number, to: Point): void {
    const layer = this.layers[this.current];
    if (!layer || !this.base) return;
    layer.quad = moveCorner(layer.quad, corner, to, this.base);
    this.stage.setQuads(this.quads(), this.current);
    this.onChange();
  }

  private quads(): Quad[] {
    return this.layers.map((layer) => layer.quad);
  }

  /** Redraws the layer list, the current layer's controls and the stage; `changed` when the request may differ. */
  private refresh(changed = true): void {
    this.renderLayers();
    this.stage.setQuads(this.quads(), this.current);
    if (changed) this.onChange();
  }

  private renderLayers(): void {
    // Controls are made anew; the one that had the focus gets it back, so keyboard use carries on.
    const focused = document.activeElement?.closest('[data-field]')?.getAttribute('data-field');
    this.layerList.replaceChildren(
      ...this.layers.map((layer, i) => {
        const button = h('button', { type: 'button', 'aria-pressed': i === this.current, class: 'layer-tab' }, `Layer ${i + 1}${layer.design ? `: ${layer.design.name}` : ''}`);
        button.addEventListener('click', () => this.select(i));
        return button;
      }),
    );
    const layer = this.layers[this.current];
    this.layerControls.replaceChildren(...(layer ? this.controlsOf(layer) : [h('p', { class: 'hint' }, 'Pick a photo, then add a layer for each design.')]));
    if (focused) this.layerControls.querySelector<HTMLElement>(`[data-field="${focused}"] input, [data-field="${focused}"] select`)?.focus();
  }

  /** The current layer's controls; each change updates the layer and asks for a new preview. */
  private controlsOf(layer: Layer): HTMLElement[] {
    const table = this.config.mockup.layer;
    const changed = () => this.onChange();
    const fileInput = (testid: string, onFile: (picked: Picked) => void) => {
      const input = h('input', { type: 'file', accept: 'image/*', 'data-testid': testid });
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        if (file) void pick(file, file.name).then(onFile);
      });
      return input;
    };

    const design = fileInput('design-input', (picked) => {
      const first = !layer.design;
      layer.design = picked;
      if (first && this.base) layer.quad = startingQuad(this.base, picked);
      this.refresh();
    });
    const fit = select(enumValues(table['fit']), layer.fit, { 'data-testid': 'fit' });
    fit.addEventListener('change', () => {
      layer.fit = fit.value;
      changed();
    });
    const blend = select(enumValues(table['blend_mode']), layer.blend_mode, { 'data-testid': 'blend-mode' });
    blend.addEventListener('change', () => {
      layer.blend_mode = blend.value;
      changed();
    });
    const opacity = h('input', { type: 'number', step: 0.05, min: 0, max: 1, value: layer.opacity, 'data-testid': 'opacity' });
    opacity.addEventListener('input', () => {
      // Cleared or half typed: the last number stays, so the request never holds NaN.
      if (!Number.isFinite(opacity.valueAsNumber)) return;
      layer.opacity = opacity.valueAsNumber;
      changed();
    });
    const clip = fileInput('clip-input', (picked) => {
      layer.clip = picked;
      this.refresh();
    });
    const clearClip = h('button', { type: 'button', class: 'small', hidden: !layer.clip }, `Remove clip ${layer.clip?.name ?? ''}`);
    clearClip.addEventListener('click', () => {
      layer.clip = undefined;
      this.refresh();
    });

    const removeLayer = h('button', { type: 'button', class: 'small' }, `Remove layer ${this.current + 1}`);
    removeLayer.addEventListener('click', () => {
      this.layers.splice(this.current, 1);
      this.current = Math.max(0, Math.min(this.current, this.layers.length - 1));
      this.refresh();
    });

    return [
      field('image', `Design of layer ${this.current + 1}${layer.design ? ` (${layer.design.name})` : ''}`, design, table['image']?.description),
      h('p', { class: 'hint' }, 'Place it by dragging the four corners on the photo, or focus a corner and use the arrow keys (Shift: 10 px).'),
      field('fit', 'Fit', fit, table['fit']?.description),
      field('blend_mode', 'Blend mode', blend, table['blend_mode']?.description),
      field('opacity', 'Opacity', opacity, table['opacity']?.description),
      h('div', {}, field('clip', `Clip${layer.clip ? ` (${layer.clip.name})` : ''}`, clip, table['clip']?.description), clearClip),
      ...this.displacementControls(layer),
      removeLayer,
    ];
  }

  private displacementControls(layer: Layer): HTMLElement[] {
    const table = this.config.mockup.displacement;
    const current = layer.displacement;
    const [x, y] = current.kind === 'none' ? [5, undefined] : typeof current.strength === 'number' ? [current.strength, undefined] : current.strength;
    const kind = select(['none', 'base', 'map'], current.kind, { 'data-testid': 'displacement' });
    const strength = h('input', { type: 'number', step: 1, value: x, 'data-testid': 'strength' });
    const strengthY = h('input', { type: 'number', step: 1, value: y ?? '', placeholder: 'as x', 'data-testid': 'strength-y' });
    const blur = h('input', { type: 'number', step: 0.5, min: 0, max: this.config.mockup.maxDisplacementBlur, value: current.kind === 'none' ? '' : (current.blur ?? ''), placeholder: 'default' });
    const map = h('input', { type: 'file', accept: 'image/*', 'data-testid': 'map-input' });
    let picked = current.kind === 'map' ? current.map : undefined;
    // One number for both axes, [x, y] once y is given; a cleared x keeps the one held.
    const heldX = (): number => {
      const held = layer.displacement;
      return held.kind === 'none' ? x : typeof held.strength === 'number' ? held.strength : held.strength[0];
    };
    const amount = (): Strength => {
      const ax = finiteOr(strength, heldX());
      return Number.isFinite(strengthY.valueAsNumber) ? [ax, strengthY.valueAsNumber] : ax;
    };
    const softening = () => (Number.isFinite(blur.valueAsNumber) ? blur.valueAsNumber : undefined);
    const next = (): Displacement =>
      kind.value === 'base' ? { kind: 'base', strength: amount(), blur: softening() } : kind.value === 'map' ? { kind: 'map', map: picked, strength: amount(), blur: softening() } : { kind: 'none' };
    const update = () => {
      const shown = layer.displacement.kind !== kind.value;
      layer.displacement = next();
      if (shown) this.refresh();
      else this.onChange();
    };
    for (const input of [kind, strength, strengthY, blur]) input.addEventListener(input === kind ? 'change' : 'input', update);
    map.addEventListener('change', () => {
      const file = map.files?.[0];
      if (file)
        void pick(file, file.name).then((image) => {
          picked = image;
          layer.displacement = next();
          this.refresh();
        });
    });
    const fields = [field('displacement', 'Displacement', kind, 'Bends the design along the folds: none, the photo\'s own luma ("base"), or a map of the photo\'s size.')];
    if (current.kind === 'map') fields.push(field('displacement.map', `Displacement map${picked ? ` (${picked.name})` : ''}`, map, table['map']?.description));
    if (current.kind !== 'none') {
      const limit = this.config.mockup.maxDisplacementStrength;
      fields.push(field('displacement.strength', 'Strength x (px)', strength, `Between -${limit} and ${limit}; for both axes unless y is given.`));
      fields.push(field('displacement.strength[1]', 'Strength y (px)', strengthY, 'Empty: as x.'));
      fields.push(field('displacement.blur', 'Blur (px)', blur, table['blur']?.description));
    }
    return fields;
  }
}
