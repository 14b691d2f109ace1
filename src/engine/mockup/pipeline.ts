import { checkDeadline, type Deadline } from '../deadline.js';
import { ImageError } from '../errors.js';
import { maskLuma, opaqueLuma } from '../mask.js';
import type { Raster, Rect, Rgba, Size } from '../raster.js';
import { blendInto, type BlendMode } from './blend.js';
import { displacementLuma } from './displacement.js';
import { planFit, preReducedSize, prepareDesign, type Fit } from './fit.js';
import { areaSize, invertHomography, quadHomography, reachableBox, type Quad } from './geometry.js';
import { warpRect, type Displacement } from './warp.js';

/** One layer of a mockup, its images decoded; validated by the contract (a strictly convex quad, 0 ≤ opacity ≤ 1). */
export interface MockupLayerInput {
  readonly image: Rgba;
  readonly quad: Quad;
  readonly fit: Fit;
  readonly blendMode: BlendMode;
  /** 0–1. */
  readonly opacity: number;
  /** Luma mask of the base's size: white = the layer may paint there. */
  readonly clip?: Raster | undefined;
  readonly displacement?: MockupDisplacementInput | undefined;
}

interface MockupDisplacementInput {
  /** An image of the base's size, or the original base's own luma. */
  readonly map: Raster | 'base';
  /** (sx, sy) in base pixels. */
  readonly strength: readonly [number, number];
  /** Gaussian blur of the map's luma, in pixels (the contract's defaults: 2 for "base", 0 for an image). */
  readonly blur: number;
}

export interface MockupOptions {
  /** Checked between layers and between bands of rows: past it, ImageError('timeout') (deadline.ts). */
  readonly deadline?: Deadline | undefined;
}

/** Base pixels warped at a time: the band's floats stay in cache until blended. */
const BAND_PIXELS = 1 << 14;

/** MOCKUP.md's pipeline on decoded rasters: the layers painted in order onto `base`, in place; returns the base. */
export function renderMockup(base: Raster, layers: readonly MockupLayerInput[], options: MockupOptions = {}): Raster {
  layers.forEach((layer, i) => checkSizes(base, layer, i));
  const baseLuma = originalBaseLuma(base, layers);
  layers.forEach((layer, i) => {
    checkDeadline(options.deadline, `painting layers[${i}]`);
    paintLayer(base, layer, baseLuma, options.deadline, i);
  });
  return base;
}

function checkSizes(base: Raster, layer: MockupLayerInput, index: number): void {
  checkSize(base, layer.clip, `layers[${index}].clip`);
  const map = layer.displacement?.map;
  if (map !== 'base') checkSize(base, map, `layers[${index}].displacement.map`);
}

function checkSize(base: Size, image: Size | undefined, field: string): void {
  if (!image || (image.width === base.width && image.height === base.height)) return;
  throw new ImageError(
    'invalid_parameter',
    `Expected ${field} to be the base image's size, ${base.width}x${base.height}, but it is ${image.width}x${image.height}`,
    field,
  );
}

/**
 * The "base" displacement maps: the luma of the base as it was before any
 * layer (layers paint it in place), per blur, each computed once, from a copy
 * taken only when some layer asks for it.
 */
function originalBaseLuma(base: Raster, layers: readonly MockupLayerInput[]): (blur: number) => Uint8Array {
  const original: Raster | undefined = layers.some((layer) => layer.displacement?.map === 'base') ? { ...base, data: base.data.slice() } : undefined;
  const byBlur = new Map<number, Uint8Array>();
  return (blur) => {
    let luma = byBlur.get(blur);
    if (!luma) {
      if (!original) throw new Error('no layer takes the base as its displacement map');
      luma = displacementLuma(original, blur);
      byBlur.set(blur, luma);
    }
    return luma;
  };
}

function paintLayer(base: Raster, layer: MockupLayerInput, baseLuma: (blur: number) => Uint8Array, deadline: Deadline | undefined, index: number): void {
  const checkTime = (step: string) => checkDeadline(deadline, `${step} of layers[${index}]`);
  // Nothing to paint: opacity 0 leaves every pixel's coverage 0.
  if (!(layer.opacity > 0)) return;
  const area = areaSize(layer.quad);
  const plan = planFit(layer.image, area, layer.fit);
  const toBase = quadHomography(layer.quad, area);
  const [sx, sy] = layer.displacement?.strength ?? [0, 0];
  const designPixels = preReducedSize(plan.crop, plan.drawn) ?? plan.crop;
  const box = reachableBox(toBase, plan.drawn, designPixels, { x: Math.abs(sx), y: Math.abs(sy) }, base);
  if (!box) return;

  const design = prepareDesign(layer.image, plan);
  checkTime('fitting the design');
  const clip = layer.clip && clipLuma(layer.clip);
  const displacement = layer.displacement && displacementOf(layer.displacement, baseLuma);
  checkTime('reading the clip and displacement');

  const warp = { design, toArea: invertHomography(toBase), drawn: plan.drawn, baseWidth: base.width, opacity: layer.opacity, clip, displacement };
  const bandRows = Math.max(1, Math.min(box.height, Math.floor(BAND_PIXELS / box.width)));
  const band = new Float32Array(bandRows * box.width * 4);
  for (let top = 0; top < box.height; top += bandRows) {
    checkTime('warping');
    const rows: Rect = { x: box.x, y: box.y + top, width: box.width, height: Math.min(bandRows, box.height - top) };
    warpRect(warp, rows, band);
    blendInto(base, rows, band, layer.blendMode);
  }
}

const isRgba = (image: Raster): image is Rgba => image.channels === 4;

/** The clip's luma, any alpha flattened onto black first (as SPEC's mask). */
const clipLuma = (clip: Raster): Uint8Array => (isRgba(clip) ? maskLuma(clip) : opaqueLuma(clip)).data;

function displacementOf(input: MockupDisplacementInput, baseLuma: (blur: number) => Uint8Array): Displacement {
  const luma = input.map === 'base' ? baseLuma(input.blur) : displacementLuma(input.map, input.blur);
  return { luma, strength: input.strength };
}
