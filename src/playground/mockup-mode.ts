import { defaultOf, enumValues, type Example, type ExampleFile, type PlaygroundConfig, type Point, type Quad } from './config.js';
import { fileBase64, field, h, select, showError } from './dom.js';
import { splitField } from './errors.js';
import { moveCorner, startingQuad } from './geometry.js';
import type { Mode } from './mode.js';
import { mockupRequest, type Displacement, type ImageRole, type LayerState, type MockupState, type PickedImage, type RequestTree } from './request.js';
import { Stage } from './stage.js';
import { mockupTemplate } from './template.js';

/** A picked image with what the page shows of it and its size in pixels. */
interface Picked extends PickedImage {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

async function pick(blob: Blob, name: string): Promise<Picked> {
  const url = URL.createObjectURL(blob);
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch {
    // Not decodable here (the server may still read it, or say why not): no size.
  }
  return { name, base64: await fileBase64(blob), url, width: image.naturalWidth, height: image.naturalHeight };
}

async function pickExampleFile(file: ExampleFile): Promise<Picked> {
  const response = await fetch(file.url);
  if (!response.ok) throw new Error(`Could not load the example file ${file.name}: ${response.status}`);
  return pick(await response.blob(), file.name);
}

type Layer = { -readonly [K in keyof LayerState]: LayerState[K] };

/** Mockup mode: a product photo, layers placed by their corners, each with its design, fit, blend, clip and displacement. */
export class MockupMode implements Mode {
  readonly name = 'mockup';
  readonly endpoint = '/v1/mockup';
  readonly outputStem = 'mockup';
  readonly element: HTMLElement;
  readonly stage: Stage;
  onChange: () => void = () => {};

  private base: Picked | undefined;
  private readonly layers: Layer[] = [];
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
      this.quality = qualityInput.valueAsNumber;
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
    this.base = await pick(blob, name);
    this.stage.setPhoto(this.base.url, this.base);
    if (this.layers.length === 0) this.addLayer();
    else this.refresh();
  }

  private async useExample(example: Example): Promise<void> {
    const [photo, design] = await Promise.all([pickExampleFile(example.photo), pickExampleFile(example.design)]);
    this.baseInput.value = '';
    this.base = photo;
    this.stage.setPhoto(photo.url, photo);
    this.layers.length = 0;
    for (const source of example.layers.length ? example.layers : [undefined]) {
      const layer = this.newLayer(design);
      if (source) {
        const map = source.displacement?.map;
        layer.quad = source.quad;
        layer.fit = source.fit ?? layer.fit;
        layer.blend_mode = source.blend_mode ?? layer.blend_mode;
        layer.opacity = source.opacity ?? layer.opacity;
        layer.clip = source.clip && (await pickExampleFile(source.clip));
        if (source.displacement && map) {
          const { strength, blur } = source.displacement;
          const amount = typeof strength === 'number' ? strength : strength[0];
          layer.displacement = map === 'base' ? { kind: 'base', strength: amount, blur } : { kind: 'map', map: await pickExampleFile(map), strength: amount, blur };
        }
      }
      this.layers.push(layer);
    }
    if (example.image_format) this.format = example.image_format;
    if (example.image_quality) this.quality = example.image_quality;
    this.current = 0;
    this.refresh();
  }

  private newLayer(design: Picked | undefined): Layer {
    const { layer } = this.config.mockup;
    return {
      design,
      quad: startingQuad(this.base ?? { width: 1000, height: 1000 }, design),
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
      layer.opacity = opacity.valueAsNumber;
      if (!Number.isNaN(layer.opacity)) changed();
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
    const kind = select(['none', 'base', 'map'], current.kind, { 'data-testid': 'displacement' });
    const strength = h('input', { type: 'number', step: 1, value: current.kind === 'none' ? 5 : current.strength });
    const blur = h('input', { type: 'number', step: 0.5, min: 0, max: this.config.mockup.maxDisplacementBlur, value: current.kind === 'none' ? '' : (current.blur ?? ''), placeholder: 'default' });
    const map = h('input', { type: 'file', accept: 'image/*', 'data-testid': 'map-input' });
    let picked = current.kind === 'map' ? current.map : undefined;
    const update = () => {
      const amount = strength.valueAsNumber;
      const softening = blur.value === '' ? undefined : blur.valueAsNumber;
      const next: Displacement =
        kind.value === 'base' ? { kind: 'base', strength: amount, blur: softening } : kind.value === 'map' ? { kind: 'map', map: picked, strength: amount, blur: softening } : { kind: 'none' };
      const shown = layer.displacement.kind !== next.kind;
      layer.displacement = next;
      if (shown) this.refresh();
      else this.onChange();
    };
    kind.addEventListener('change', update);
    strength.addEventListener('input', update);
    blur.addEventListener('input', update);
    map.addEventListener('change', () => {
      const file = map.files?.[0];
      if (file)
        void pick(file, file.name).then((image) => {
          picked = image;
          layer.displacement = { kind: 'map', map: image, strength: strength.valueAsNumber, blur: blur.value === '' ? undefined : blur.valueAsNumber };
          this.refresh();
        });
    });
    const fields = [field('displacement', 'Displacement', kind, 'Bends the design along the folds: none, the photo\'s own luma ("base"), or a map of the photo\'s size.')];
    if (current.kind === 'map') fields.push(field('displacement.map', `Displacement map${picked ? ` (${picked.name})` : ''}`, map, table['map']?.description));
    if (current.kind !== 'none') {
      fields.push(field('displacement.strength', 'Strength (px)', strength, `Between -${this.config.mockup.maxDisplacementStrength} and ${this.config.mockup.maxDisplacementStrength}.`));
      fields.push(field('displacement.blur', 'Blur (px)', blur, table['blur']?.description));
    }
    return fields;
  }
}
