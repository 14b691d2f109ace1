import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { decodeImage } from '../../src/engine/codec.js';
import type { Raster } from '../../src/engine/raster.js';
import { mapTemplateImages, mockup, type MockupRequest, type MockupTemplate } from '../../src/index.js';

/**
 * Cases in the mockup-reference layout (cases/NAME.json with a request whose
 * image paths are relative to the folder, expected/NAME.png), rendered through
 * the library and held to MOCKUP.md's tolerance: the golden test and
 * tools/differential/verify-mockup.ts share this.
 */
export const MOCKUP_TOLERANCE = { maxMeanError: 0.35, farLevels: 8, maxFarShare: 0.001 } as const;

export const mockupCaseNames = (root: string): string[] =>
  readdirSync(join(root, 'cases'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();

/** A case's request with its image paths made absolute, as the library takes files. */
export function mockupCaseRequest(root: string, name: string): MockupRequest {
  const { request } = JSON.parse(readFileSync(join(root, 'cases', `${name}.json`), 'utf8')) as { request: MockupTemplate };
  return mapTemplateImages(request, (value) => (typeof value === 'string' && !isAbsolute(value) ? join(root, value) : value)) as MockupRequest;
}

export interface MockupFigures {
  readonly meanError: number;
  readonly maxError: number;
  /** Compared pixels with a channel off by more than the tolerance's levels. */
  readonly farPixels: number;
  readonly differingPixels: number;
  readonly comparedPixels: number;
  /** Within MOCKUP.md's tolerance. */
  readonly within: boolean;
}

/** MOCKUP.md's comparison: over every channel (alpha too when there is one), pixels transparent in both left out. */
export function compareMockup(actual: Raster, expected: Raster): MockupFigures {
  if (actual.width !== expected.width || actual.height !== expected.height || actual.channels !== expected.channels) {
    throw new Error(`${actual.width}x${actual.height}x${actual.channels} against ${expected.width}x${expected.height}x${expected.channels}`);
  }
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
    if (pixelMax > MOCKUP_TOLERANCE.farLevels) farPixels++;
  }
  const meanError = comparedPixels ? sum / (comparedPixels * channels) : 0;
  const within = meanError <= MOCKUP_TOLERANCE.maxMeanError && farPixels <= MOCKUP_TOLERANCE.maxFarShare * comparedPixels;
  return { meanError, maxError, farPixels, differingPixels, comparedPixels, within };
}

const LIMIT = { maxPixels: 100_000_000 };

/** Renders a case through the library (PNG out) and compares it with its expected image. */
export async function verifyMockupCase(root: string, name: string): Promise<MockupFigures> {
  const { data } = await mockup({ ...mockupCaseRequest(root, name), image_format: 'png' });
  const actual = await decodeImage(data, { ...LIMIT, field: 'actual' });
  const expected = await decodeImage(readFileSync(join(root, 'expected', `${name}.png`)), { ...LIMIT, field: 'expected' });
  return compareMockup(actual, expected);
}

export const describeMockupFigures = (f: MockupFigures): string =>
  `mean ${f.meanError.toFixed(6)}, max ${f.maxError}, ${f.differingPixels} of ${f.comparedPixels} px differ, over ${MOCKUP_TOLERANCE.farLevels}: ${f.farPixels} (${((f.farPixels / Math.max(1, f.comparedPixels)) * 100).toFixed(4)}%)`;
