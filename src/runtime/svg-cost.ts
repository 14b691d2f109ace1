import { declarations, propertyEffect, stripComments, type Effect, type Ref, type Refuse, type SvgDocument } from './svg-scan.js';

/**
 * What drawing a scanned SVG costs librsvg, bounded: the elements it draws once
 * references are followed (`<use>`, `url(#id)` to patterns, masks, markers,
 * clip paths; a marker once per vertex), how deep references nest, and the
 * pixels it paints and composites on its canvas.
 */

export interface CostLimits {
  readonly maxDrawnElements: number;
  readonly maxReferenceDepth: number;
  readonly maxPaintedPixels: number;
  readonly maxLayerPixels: number;
}

/** libvips renders an SVG in tiles of this size, and librsvg makes each layer the canvas's size again for each tile. */
const LIBVIPS_SVG_TILE = 2000;

interface Cost {
  readonly elements: number;
  readonly layers: number;
  readonly depth: number;
}

/** Paint servers whose content is stops, not drawing: a reference to one repeats nothing. */
const PAINT_ONLY = new Set(['lineargradient', 'radialgradient', 'stop', 'solidcolor']);
/** Containers drawn only through a reference. */
const NOT_DRAWN = new Set(['defs', 'symbol', 'clippath', 'mask', 'pattern', 'marker', 'lineargradient', 'radialgradient', 'style', 'title', 'desc', 'metadata']);

/** Layers one element can ask for at most: group opacity, blend mode, isolation, a mask. */
const MAX_LAYERS_PER_ELEMENT = 7;

/** An effect being gathered from rules; references by id, so that repeats count once. */
class Gathered {
  layers = 0;
  readonly refs = new Map<string, Ref>();
  add(effect: Effect): void {
    this.layers = Math.min(MAX_LAYERS_PER_ELEMENT, this.layers + effect.layers);
    for (const ref of effect.refs) this.refs.set(`${ref.marker}#${ref.id}`, ref);
  }
  done(): Effect {
    return { layers: this.layers, refs: [...this.refs.values()] };
  }
}

/** A sheet's rules as [selectors, declarations], by a linear scan; at-rule preludes (`@media … {`) drop out. */
function* rules(sheet: string): Generator<[string, string]> {
  const text = stripComments(sheet);
  let start = 0;
  let close = -1;
  for (let open = text.indexOf('{'); open >= 0; ) {
    if (close < open) close = text.indexOf('}', open);
    if (close < 0) return;
    const next = text.indexOf('{', open + 1);
    if (next < 0 || next > close) {
      yield [text.slice(start, open), text.slice(open + 1, close)];
      start = close + 1;
    } else {
      start = open + 1; // an at-rule's block: its rules follow
    }
    open = next;
  }
}

/** Effects of the sheets' rules: by class for `.name` selectors, on every element drawn in place for any other. */
function sheetEffects(sheets: readonly string[], refuse: Refuse): { byClass: Map<string, Effect>; everywhere: Effect } {
  const byClass = new Map<string, Gathered>();
  const everywhere = new Gathered();
  for (const sheet of sheets) {
    for (const [selectors, body] of rules(sheet)) {
      const rule = new Gathered();
      for (const [property, value] of declarations(body)) rule.add(propertyEffect(property, value, refuse, '<style>'));
      if (rule.layers === 0 && rule.refs.size === 0) continue;
      const effect = rule.done();
      for (const selector of selectors.split(',').map((part) => part.trim())) {
        const name = /^\.([\w-]+)$/.exec(selector)?.[1];
        if (name === undefined) everywhere.add(effect);
        else byClass.set(name, byClass.get(name) ?? new Gathered()).get(name)!.add(effect);
      }
    }
  }
  return { byClass: new Map([...byClass].map(([name, gathered]) => [name, gathered.done()])), everywhere: everywhere.done() };
}

/** Refuses a document over `limits`; `canvas` is its size in pixels as libvips renders it. */
export function checkSvgCost(document: SvgDocument, canvas: { width: number; height: number }, limits: CostLimits, refuse: Refuse): void {
  const { elements, ids } = document;
  const { byClass, everywhere } = sheetEffects(document.sheets, refuse);
  const expanded = new Map<number, Cost | 'busy'>();
  const byId = new Map<string, Cost>();
  const effects = new Map<Effect, EffectCost | 'busy'>();

  const check = (cost: Cost): Cost => {
    if (cost.elements > limits.maxDrawnElements) {
      refuse('too_large', `that draws at most ${limits.maxDrawnElements} elements (<use> and url(#…) references followed)`, `it draws at least ${cost.elements}`);
    }
    if (cost.depth > limits.maxReferenceDepth) {
      refuse('too_large', `with references (<use>, url(#…)) nested at most ${limits.maxReferenceDepth} deep`, 'they nest deeper');
    }
    return cost;
  };

  /** What a reference to `id` draws: the costliest element of that id (ids may repeat), nothing for a gradient or no element. */
  const target = (id: string): Cost => {
    const known = byId.get(id);
    if (known) return known;
    let costliest = NOTHING;
    for (const index of ids.get(id) ?? []) {
      if (PAINT_ONLY.has(elements[index]!.name.toLowerCase())) continue;
      const cost = referenced(index, id);
      if (costliest === NOTHING || cost.elements > costliest.elements) costliest = { ...cost, depth: 1 + cost.depth };
    }
    byId.set(id, costliest);
    return costliest;
  };

  /** What following `refs` draws, `weight` times each. */
  const follow = (refs: readonly Ref[], weight: (ref: Ref) => number): Cost => refs.reduce((sum, ref) => add(sum, scale(target(ref.id), weight(ref))), NOTHING);

  /** A rule's references, followed once however many elements it applies to; markers per vertex, by the caller. */
  const effectCost = (effect: Effect): EffectCost => {
    const known = effects.get(effect);
    if (known === 'busy') refuse('invalid_image', 'without reference cycles', `a <style> rule refers to an element it applies to (${effect.refs.slice(0, 3).map((ref) => `#${ref.id}`).join(', ')})`);
    if (known) return known;
    effects.set(effect, 'busy');
    const result = { layers: effect.layers, plain: follow(effect.refs, (ref) => (ref.marker ? 0 : 1)), perVertex: follow(effect.refs, (ref) => (ref.marker ? 1 : 0)) };
    effects.set(effect, result);
    return result;
  };

  /** An element and its content drawn; `direct` when drawn in place, the only place where rules other than by class are counted. */
  const cost = (index: number, direct: boolean): Cost => {
    const element = elements[index]!;
    let total: Cost = { elements: 1, layers: element.layers, depth: 0 };
    total = add(total, follow(element.refs, (ref) => (ref.marker ? element.vertices : 1)));
    for (const effect of [...element.classes.flatMap((name) => byClass.get(name) ?? []), ...(direct ? [everywhere] : [])]) {
      const { layers, plain, perVertex } = effectCost(effect);
      total = add(total, add({ ...plain, layers: plain.layers + layers }, scale(perVertex, element.vertices)));
    }
    const drawsContent = !direct || !NOT_DRAWN.has(element.name.toLowerCase());
    for (const child of drawsContent ? element.children : []) total = add(total, check(cost(child, direct)));
    return check(total);
  };

  const referenced = (index: number, id: string): Cost => {
    const known = expanded.get(index);
    if (known === 'busy') refuse('invalid_image', 'without reference cycles', `#${id} refers back to itself`);
    if (known) return known;
    expanded.set(index, 'busy');
    const result = cost(index, false);
    expanded.set(index, result);
    return result;
  };

  const drawn = cost(0, true);
  const pixels = canvas.width * canvas.height;
  const size = `${canvas.width}x${canvas.height}`;
  const advice = 'declare a smaller width and height, or send it as a raster image';
  if (drawn.elements * pixels > limits.maxPaintedPixels) {
    refuse('too_large', `that paints at most ${limits.maxPaintedPixels} pixels (elements drawn × canvas pixels)`, `it draws ${drawn.elements} elements on a ${size} canvas: ${advice}`);
  }
  const tiles = Math.ceil(canvas.width / LIBVIPS_SVG_TILE) * Math.ceil(canvas.height / LIBVIPS_SVG_TILE);
  if (drawn.layers * pixels * tiles > limits.maxLayerPixels) {
    refuse(
      'too_large',
      `that composites at most ${limits.maxLayerPixels} layer pixels (layers × canvas pixels × ${LIBVIPS_SVG_TILE}-pixel tiles: a group opacity, mask or blend mode is a canvas-sized layer, made again per tile)`,
      `it has ${drawn.layers} layers on a ${size} canvas: ${advice}`,
    );
  }
}

interface EffectCost {
  readonly layers: number;
  readonly plain: Cost;
  readonly perVertex: Cost;
}

const NOTHING: Cost = { elements: 0, layers: 0, depth: 0 };
const add = (a: Cost, b: Cost): Cost => ({ elements: a.elements + b.elements, layers: a.layers + b.layers, depth: Math.max(a.depth, b.depth) });
const scale = (a: Cost, by: number): Cost => (by === 0 ? NOTHING : { elements: a.elements * by, layers: a.layers * by, depth: a.depth });
