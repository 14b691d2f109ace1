import { describe, expect, it } from 'vitest';
import { fromEngine, SuperimposeError } from '../../src/contract/errors.js';
import { decodeRgba } from '../../src/engine/codec.js';
import { checkSvgInput } from '../../src/runtime/svg-input.js';

/**
 * SVGs that held a render for minutes at gigabytes, through decoding as the
 * renderer does it with SVG on: the policy, then libvips. Each must end at the
 * policy, in milliseconds, before librsvg sees it.
 */
const MAX_PIXELS = 50_000_000;
const canvas = (body: string, size = 7000) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${body}</svg>`);

async function decodeWithPolicy(bytes: Buffer, field: string): Promise<unknown> {
  try {
    await checkSvgInput(bytes, field, { svg: 'on', maxPixels: MAX_PIXELS });
    return await decodeRgba(bytes, { field, maxPixels: MAX_PIXELS });
  } catch (error) {
    return fromEngine(error);
  }
}

async function timed(bytes: Buffer, field: string): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  const error = await decodeWithPolicy(bytes, field);
  return { error, ms: performance.now() - start };
}

describe('SVG bombs through decoding, the policy on', () => {
  it.each([
    ['the blur bomb', canvas('<filter id="f"><feGaussianBlur stdDeviation="1000"/></filter><rect width="100%" height="100%" filter="url(#f)"/>'), 185],
    ['the turbulence bomb', canvas('<filter id="f"><feTurbulence baseFrequency=".01" numOctaves="30"/></filter><rect width="100%" height="100%" filter="url(#f)"/>'), 199],
  ])('refuses %s in under 50 ms', async (name, bytes, size) => {
    expect(bytes.length).toBe(size);
    const { error, ms } = await timed(bytes, 'overlay_image');
    console.log(`${name} (${bytes.length} bytes): refused in ${ms.toFixed(2)} ms`);
    expect(error).toBeInstanceOf(SuperimposeError);
    expect((error as SuperimposeError).message).toMatch(/^Expected an SVG without filters for overlay_image but it has <filter>/);
    expect((error as SuperimposeError).status).toBe(400);
    expect(ms).toBeLessThan(50);
  });

  it('refuses an SVG declaring 100000x100000 with 413, from its header', async () => {
    const { error, ms } = await timed(canvas('<rect width="1" height="1"/>', 100_000), 'mask');
    console.log(`100000x100000 SVG: refused in ${ms.toFixed(2)} ms`);
    expect(error).toBeInstanceOf(SuperimposeError);
    expect((error as SuperimposeError).status).toBe(413);
    expect((error as SuperimposeError).message).toMatch(/at most 50000000 pixels for mask but received 100000x100000/);
    expect(ms).toBeLessThan(1000);
  });
});
