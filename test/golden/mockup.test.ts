import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, decodeRgba } from '../../src/engine/codec.js';
import type { BlendMode } from '../../src/engine/mockup/blend.js';
import type { Fit } from '../../src/engine/mockup/fit.js';
import { boxQuad, type Point, type Quad } from '../../src/engine/mockup/geometry.js';
import { renderMockup, type MockupLayerInput } from '../../src/engine/mockup/pipeline.js';
import type { Raster } from '../../src/engine/raster.js';

/**
 * The mockup reference renders (golden/mockup/, copied from the shared
 * reference): each case's request rendered by the engine and held to
 * MOCKUP.md's tolerance.
 */
const DIR = fileURLToPath(new URL('../../golden/mockup/', import.meta.url));
const LIMIT = { maxPixels: 100_000_000 };

/** MOCKUP.md's bounds: mean absolute channel error, and the share of pixels with a channel off by more than 8. */
const MAX_MEAN_ERROR = 0.35;
const FAR_LEVELS = 8;
const MAX_FAR_SHARE = 0.001;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function field<T>(object: Json, key: string, check: (value: unknown) => value is T, fallback?: T): T {
  const value = object[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (!check(value)) throw new Error(`case field ${key}: unexpected ${JSON.stringify(value)}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';
const isPoint = (value: unknown): value is Point => Array.isArray(value) && value.length === 2 && value.every(isNumber);
const isQuad = (value: unknown): value is Quad => Array.isArray(value) && value.length === 4 && value.every(isPoint);
const isStrength = (value: unknown): value is number | [number, number] => isNumber(value) || (Array.isArray(value) && value.length === 2 && value.every(isNumber));

const read = (path: string) => readFileSync(join(DIR, path));

async function layerOf(layer: Json, index: number): Promise<MockupLayerInput> {
  const at = `layers[${index}]`;
  const box = layer['box'];
  const quad = isObject(box)
    ? boxQuad({
        x: field(box, 'x', isNumber),
        y: field(box, 'y', isNumber),
        width: field(box, 'width', isNumber),
        height: field(box, 'height', isNumber),
        rotation: field(box, 'rotation', isNumber, 0),
      })
    : field(layer, 'quad', isQuad);
  const clipPath = layer['clip'];
  const displacement = layer['displacement'];
  return {
    image: await decodeRgba(read(field(layer, 'image', isString)), { ...LIMIT, field: `${at}.image` }),
    quad,
    fit: field(layer, 'fit', isString, 'contain') as Fit,
    blendMode: field(layer, 'blend_mode', isString, 'normal') as BlendMode,
    opacity: field(layer, 'opacity', isNumber, 1),
    clip: isString(clipPath) ? await decodeRgba(read(clipPath), { ...LIMIT, field: `${at}.clip` }) : undefined,
    displacement: isObject(displacement) ? await displacementOf(displacement, at) : undefined,
  };
}

async function displacementOf(displacement: Json, at: string): Promise<MockupLayerInput['displacement']> {
  const mapPath = field(displacement, 'map', isString);
  const map = mapPath === 'base' ? 'base' : await decodeImage(read(mapPath), { ...LIMIT, field: `${at}.displacement.map` });
  const strength = field(displacement, 'strength', isStrength);
  return {
    map,
    strength: isNumber(strength) ? [strength, strength] : strength,
    blur: field(displacement, 'blur', isNumber, map === 'base' ? 2 : 0),
  };
}

interface Figures {
  readonly meanError: number;
  readonly maxError: number;
  /** Compared pixels with a channel off by more than FAR_LEVELS. */
  readonly farPixels: number;
  /** Compared pixels with any channel off at all. */
  readonly differingPixels: number;
  readonly comparedPixels: number;
}

/** MOCKUP.md's comparison: over every channel (alpha too when there is one), pixels transparent in both left out. */
function compare(actual: Raster, expected: Raster): Figures {
  const { channels } = actual;
  let sum = 0;
  let maxError = 0;
  let farPixels = 0;
  let differingPixels = 0;
  let comparedPixels = 0;
  for (let i = 0; i < actual.data.length; i += channels) {
    if (channels === 4 && actual.data[i + 3] === 0 && expected.data[i + 3] === 0) continue;
    comparedPixels++;
    let pixelMax = 0;
    for (let c = 0; c < channels; c++) {
      const d = Math.abs(actual.data[i + c]! - expected.data[i + c]!);
      sum += d;
      pixelMax = Math.max(pixelMax, d);
    }
    maxError = Math.max(maxError, pixelMax);
    if (pixelMax > 0) differingPixels++;
    if (pixelMax > FAR_LEVELS) farPixels++;
  }
  return { meanError: comparedPixels ? sum / (comparedPixels * channels) : 0, maxError, farPixels, differingPixels, comparedPixels };
}

const cases = readdirSync(join(DIR, 'cases'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => name.slice(0, -'.json'.length))
  .sort();
const lines: string[] = [];

describe('mockup reference renders', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(cases)('%s is within MOCKUP.md tolerance', async (name) => {
    const json: unknown = JSON.parse(read(`cases/${name}.json`).toString('utf8'));
    if (!isObject(json) || !isObject(json['request'])) throw new Error(`${name}: no request`);
    const request = json['request'];
    const base = await decodeImage(read(field(request, 'base_image', isString)), { ...LIMIT, field: 'base_image' });
    const layerJson = field(request, 'layers', (v): v is unknown[] => Array.isArray(v));
    const layers = await Promise.all(layerJson.map((layer, i) => (isObject(layer) ? layerOf(layer, i) : Promise.reject(new Error(`${name}: layers[${i}]`)))));
    const expected = await decodeImage(read(`expected/${name}.png`), { ...LIMIT, field: 'expected' });

    const started = performance.now();
    const actual = renderMockup(base, layers);
    const ms = performance.now() - started;

    expect({ width: actual.width, height: actual.height, channels: actual.channels }).toEqual({ width: expected.width, height: expected.height, channels: expected.channels });
    const figures = compare(actual, expected);
    const farShare = figures.farPixels / figures.comparedPixels;
    const line =
      `${name}: mean ${figures.meanError.toFixed(6)}, max ${figures.maxError}, ` +
      `${figures.differingPixels} of ${figures.comparedPixels} px differ, over ${FAR_LEVELS}: ${figures.farPixels} (${(farShare * 100).toFixed(4)}%), ${ms.toFixed(0)} ms`;
    lines.push(line);
    expect(figures.meanError, line).toBeLessThanOrEqual(MAX_MEAN_ERROR);
    expect(farShare, line).toBeLessThanOrEqual(MAX_FAR_SHARE);
  });

  afterAll(() => {
    console.log(`mockup references:\n  ${lines.join('\n  ')}`);
  });
});
