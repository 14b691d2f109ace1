import { describe, expect, it } from 'vitest';
import { parseSuperimposeRequest, SUPERIMPOSE_PARAMETERS } from '../../src/contract/superimpose.js';
import { SuperimposeError } from '../../src/contract/errors.js';
import { SEED_PARAMETERS } from '../helpers/seed.js';

const images = { base_image: 'aGVsbG8=', overlay_image: 'aGVsbG8=' };

function messageFor(request: unknown): string {
  try {
    parseSuperimposeRequest(request);
  } catch (error) {
    expect(error).toBeInstanceOf(SuperimposeError);
    expect((error as SuperimposeError).status).toBe(400);
    return (error as Error).message;
  }
  throw new Error('expected the request to be refused');
}

describe('parseSuperimposeRequest', () => {
  it('fills every default from the parameter table', () => {
    const params = parseSuperimposeRequest(images);
    for (const [name, spec] of Object.entries(SUPERIMPOSE_PARAMETERS)) {
      if ('default' in spec) expect(params[name as keyof typeof params]).toEqual(spec.default);
    }
    expect(params.mask).toBeUndefined();
  });

  it('accepts the seed request shape', () => {
    const seed = { ...images, ...SEED_PARAMETERS };
    expect(parseSuperimposeRequest(seed)).toMatchObject(seed);
  });

  it.each([
    [{ rotation: 999 }, 'Expected integer between 0 and 360 for rotation but received 999'],
    [{ rotation: 12.5 }, 'Expected integer between 0 and 360 for rotation but received 12.5'],
    [{ rescale_factor: 17 }, 'Expected number between 0 and 16 for rescale_factor but received 17'],
    [{ opacity: '1' }, 'Expected number between 0 and 1 for opacity but received "1"'],
    [{ image_quality: 5 }, 'Expected integer between 10 and 100 for image_quality but received 5'],
    [{ resize_method: 'bicubic' }, 'Expected one of "nearest-exact", "bilinear", "area" for resize_method but received "bicubic"'],
    [{ image_format: 'gif' }, 'Expected one of "jpeg", "png", "webp" for image_format but received "gif"'],
    [{ base64: 1 }, 'Expected boolean for base64 but received 1'],
    [{ x_offset: 1e300 }, 'for x_offset but received 1e+300'],
  ])('refuses %j naming the field, the expectation and the value', (patch, message) => {
    expect(messageFor({ ...images, ...patch })).toContain(message);
  });

  it('refuses a missing image', () => {
    expect(messageFor({ base_image: images.base_image })).toMatch(/^Expected an image .* for overlay_image but received nothing$/);
  });

  it('refuses unknown fields by name', () => {
    expect(messageFor({ ...images, scale: 2 })).toMatch(/^Unknown field "scale"/);
  });

  it('refuses a body that is not an object', () => {
    expect(messageFor([1, 2])).toMatch(/JSON object/);
    expect(messageFor(null)).toMatch(/JSON object/);
  });

  it('accepts both spellings of the width & height mode', () => {
    for (const overlay_resize of ['Resize to width & heigth', 'Resize to width & height']) {
      expect(parseSuperimposeRequest({ ...images, overlay_resize }).overlay_resize).toBe(overlay_resize);
    }
  });
});
