import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MOCKUP_LIMITS, parseMockupRequest, type MockupRequest } from '../../src/contract/mockup.js';
import { SuperimposeError } from '../../src/contract/errors.js';
import type { ImageForm } from '../../src/contract/parameters.js';

const box = { x: 10, y: 20, width: 100, height: 50 };
const request = (layer: object, more: object = {}) => ({ base_image: 'aGVsbG8=', layers: [{ image: 'aGVsbG8=', ...layer }], ...more });

function refusal(input: unknown, images: ImageForm = 'library'): SuperimposeError {
  try {
    parseMockupRequest(input, images);
  } catch (error) {
    expect(error).toBeInstanceOf(SuperimposeError);
    expect((error as SuperimposeError).status).toBe(400);
    return error as SuperimposeError;
  }
  throw new Error('expected the request to be refused');
}

describe('parseMockupRequest: normalised output', () => {
  it('fills the defaults of the request and of each layer, and gives a quad layer its own quad', () => {
    const quad = [[0, 0], [10, 0], [10, 10], [0, 10]];
    expect(parseMockupRequest(request({ quad }))).toEqual({
      base_image: 'aGVsbG8=',
      layers: [{ image: 'aGVsbG8=', quad, fit: 'contain', blend_mode: 'normal', opacity: 1 }],
      image_format: 'jpeg',
      image_quality: 95,
      base64: false,
    });
  });

  it('keeps what was given, and drops the box for its quad', () => {
    const layer = parseMockupRequest(request({ box, fit: 'cover', blend_mode: 'soft-light', opacity: 0.25, clip: '/tmp/clip.png' })).layers[0]!;
    expect(layer).toEqual({ image: 'aGVsbG8=', quad: [[10, 20], [110, 20], [110, 70], [10, 70]], fit: 'cover', blend_mode: 'soft-light', opacity: 0.25, clip: '/tmp/clip.png' });
    expect(layer).not.toHaveProperty('box');
  });

  // Centre (60, 45), half sizes 50 × 25. Counter-clockwise on screen, y down: (dx, dy) ↦ (dx·cos + dy·sin, −dx·sin + dy·cos).
  const c = Math.cos(Math.PI / 6);
  it.each<[number, number[][]]>([
    [0, [[10, 20], [110, 20], [110, 70], [10, 70]]],
    // The top edge turns to the left: top-left lands bottom-left.
    [90, [[35, 95], [35, -5], [85, -5], [85, 95]]],
    [-270, [[35, 95], [35, -5], [85, -5], [85, 95]]],
    [180, [[110, 70], [10, 70], [10, 20], [110, 20]]],
    [
      30,
      [
        [60 - 50 * c - 25 * 0.5, 45 + 50 * 0.5 - 25 * c],
        [60 + 50 * c - 25 * 0.5, 45 - 50 * 0.5 - 25 * c],
        [60 + 50 * c + 25 * 0.5, 45 - 50 * 0.5 + 25 * c],
        [60 - 50 * c + 25 * 0.5, 45 + 50 * 0.5 + 25 * c],
      ],
    ],
  ])('turns a box by %d degrees counter-clockwise about its centre', (rotation, corners) => {
    const { quad } = parseMockupRequest(request({ box: { ...box, rotation } })).layers[0]!;
    if (rotation % 90 === 0) expect(quad).toEqual(corners);
    else quad.forEach((point, i) => point.forEach((v, j) => expect(v).toBeCloseTo(corners[i]![j]!, 10)));
  });

  it.each<[string, object, object]>([
    ['"base" blurs by 2 by default', { map: 'base', strength: 6 }, { map: 'base', strength: [6, 6], blur: 2 }],
    ['an image map by 0', { map: 'map.png', strength: [3, -4] }, { map: 'map.png', strength: [3, -4], blur: 0 }],
    ['a blur given is kept', { map: 'base', strength: 1, blur: 0 }, { map: 'base', strength: [1, 1], blur: 0 }],
    ['for an image map too', { map: 'map.png', strength: 1, blur: 1.5 }, { map: 'map.png', strength: [1, 1], blur: 1.5 }],
  ])('normalises a displacement: %s', (_name, displacement, expected) => {
    expect(parseMockupRequest(request({ box, displacement })).layers[0]!.displacement).toEqual(expected);
  });

  it(`takes ${MOCKUP_LIMITS.maxLayers} layers, with superimpose's output fields`, () => {
    const layers = Array.from({ length: MOCKUP_LIMITS.maxLayers }, () => ({ image: 'aGVsbG8=', box }));
    const params = parseMockupRequest({ base_image: 'aGVsbG8=', layers, image_format: 'webp', image_quality: 80, base64: true } satisfies MockupRequest);
    expect(params.layers).toHaveLength(16);
    expect(params).toMatchObject({ image_format: 'webp', image_quality: 80, base64: true });
  });
});

interface InvalidCase {
  readonly name: string;
  readonly request: Record<string, unknown>;
  readonly status: number;
  readonly field: string;
  readonly mentions?: readonly number[];
}

const invalid = JSON.parse(readFileSync(new URL('../../golden/mockup/invalid.json', import.meta.url), 'utf8')) as InvalidCase[];
/** Refused only once the images are decoded (a clip or map not of the base's size, naming both sizes): the schema lets them through. */
const NEEDS_DECODING = ['clip-wrong-size'];

describe('golden/mockup/invalid.json', () => {
  it('lists every case that needs decoding', () => {
    expect(NEEDS_DECODING.filter((name) => !invalid.some((c) => c.name === name))).toEqual([]);
  });

  it.each(invalid.filter((c) => !NEEDS_DECODING.includes(c.name)).map((c) => [c.name, c] as const))('refuses %s naming its field', (_name, c) => {
    const error = refusal(c.request);
    expect(error.status).toBe(c.status);
    expect(error.field).toBe(c.field);
    expect(error.message).toContain(`for ${c.field} but received`);
  });

  it.each(invalid.filter((c) => NEEDS_DECODING.includes(c.name)).map((c) => [c.name, c] as const))('lets %s through to the render', (_name, c) => {
    expect(() => parseMockupRequest(c.request)).not.toThrow();
  });
});

describe('parseMockupRequest: refusals', () => {
  const modes = '"normal", "multiply", "screen", "overlay", "darken", "lighten", "color-dodge", "color-burn", "hard-light", "soft-light", "difference", "exclusion"';
  it.each<[string, unknown, string, string]>([
    ['a concave quad', request({ quad: [[100, 100], [400, 120], [200, 160], [120, 400]] }), 'layers[0].quad', 'Expected a strictly convex quad (no three corners on one line) for layers[0].quad but received [[100,100],[400,120],[200,160],[120,400]]'],
    ['a quad of 3 corners', request({ quad: [[0, 0], [1, 0], [1, 1]] }), 'layers[0].quad', 'Expected 4 corners [x, y] of finite numbers for layers[0].quad but received [[0,0],[1,0],[1,1]]'],
    ['a corner not a number', request({ quad: [[0, 0], [1, '0'], [1, 1], [0, 1]] }), 'layers[0].quad', 'Expected 4 corners [x, y] of finite numbers for layers[0].quad but received [[0,0],[1,"0"],[1,1],[0,1]]'],
    ['an infinite corner', request({ quad: [[0, 0], [Infinity, 0], [1, 1], [0, 1]] }), 'layers[0].quad', 'Expected 4 corners [x, y] of finite numbers for layers[0].quad but received [[0,0],[Infinity,0],[1,1],[0,1]]'],
    ['a quad too long to write out', request({ quad: Array.from({ length: 100 }, () => [0, 0]) }), 'layers[0].quad', 'Expected 4 corners [x, y] of finite numbers for layers[0].quad but received an array'],
    ['both quad and box', request({ box, quad: [[0, 0], [1, 0], [1, 1], [0, 1]] }), 'layers[0]', 'Expected exactly one of quad and box for layers[0] but received both'],
    ['neither quad nor box', request({}), 'layers[0]', 'Expected exactly one of quad and box for layers[0] but received neither'],
    ['a box of width 0', request({ box: { ...box, width: 0 } }), 'layers[0].box.width', 'Expected number above 0 for layers[0].box.width but received 0'],
    ['a box of negative height', request({ box: { ...box, height: -1 } }), 'layers[0].box.height', 'Expected number above 0 for layers[0].box.height but received -1'],
    ['a box without x', request({ box: { y: 0, width: 1, height: 1 } }), 'layers[0].box.x', 'Expected number for layers[0].box.x but received nothing'],
    ['a NaN rotation', request({ box: { ...box, rotation: NaN } }), 'layers[0].box.rotation', 'Expected number for layers[0].box.rotation but received NaN'],
    ['an unknown box field', request({ box: { ...box, angle: 3 } }), 'layers[0].box.angle', 'Unknown field "layers[0].box.angle": expected only x, y, width, height, rotation'],
    ['an unknown layer field', request({ box, scale: 2 }), 'layers[0].scale', 'Unknown field "layers[0].scale": expected only image, quad, box, fit, blend_mode, opacity, clip, displacement'],
    ['an unknown request field', request({ box }, { overlay_image: 'aGVsbG8=' }), 'overlay_image', 'Unknown field "overlay_image": expected only base_image, layers, image_format, image_quality, base64'],
    ['an unknown blend mode', request({ box, blend_mode: 'hue' }), 'layers[0].blend_mode', `Expected one of ${modes} for layers[0].blend_mode but received "hue"`],
    ['an unknown fit', request({ box, fit: 'fill' }), 'layers[0].fit', 'Expected one of "contain", "cover", "stretch" for layers[0].fit but received "fill"'],
    ['an opacity over 1', request({ box, opacity: 1.5 }), 'layers[0].opacity', 'Expected number between 0 and 1 for layers[0].opacity but received 1.5'],
    ['a layer without its image', { base_image: 'aGVsbG8=', layers: [{ box }] }, 'layers[0].image', 'Expected an image (base64, data: URI, http(s) URL, file path or bytes) for layers[0].image but received nothing'],
    ['an empty clip', request({ box, clip: '' }), 'layers[0].clip', 'for layers[0].clip but received ""'],
    ['a layer not an object', { base_image: 'aGVsbG8=', layers: [7] }, 'layers[0]', 'Expected a layer object for layers[0] but received 7'],
    ['no layers', { base_image: 'aGVsbG8=', layers: [] }, 'layers', 'Expected at least 1 layer for layers but received 0'],
    ['17 layers', { base_image: 'aGVsbG8=', layers: Array.from({ length: 17 }, () => ({ image: 'aGVsbG8=', box })) }, 'layers', 'Expected at most 16 layers for layers but received 17'],
    ['layers not an array', { base_image: 'aGVsbG8=', layers: { image: 'aGVsbG8=', box } }, 'layers', 'Expected an array of 1 to 16 layers for layers but received a value of type object'],
    ['a displacement map neither "base" nor an image', request({ box, displacement: { map: 3, strength: 1 } }), 'layers[0].displacement.map', 'Expected "base" or an image (base64, data: URI, http(s) URL, file path or bytes) for layers[0].displacement.map but received 3'],
    ['a displacement without strength', request({ box, displacement: { map: 'base' } }), 'layers[0].displacement.strength', 'Expected a number or [x, y] of numbers between -10000 and 10000 for layers[0].displacement.strength but received nothing'],
    ['a strength of three numbers', request({ box, displacement: { map: 'base', strength: [1, 2, 3] } }), 'layers[0].displacement.strength', 'Expected a number or [x, y] of numbers between -10000 and 10000 for layers[0].displacement.strength but received [1,2,3]'],
    ['a strength past the bound', request({ box, displacement: { map: 'base', strength: [1, -20000] } }), 'layers[0].displacement.strength[1]', 'Expected a number or [x, y] of numbers between -10000 and 10000 for layers[0].displacement.strength[1] but received -20000'],
    ['a blur past the bound', request({ box, displacement: { map: 'base', strength: 1, blur: 1e9 } }), 'layers[0].displacement.blur', 'Expected number between 0 and 100 for layers[0].displacement.blur but received 1000000000'],
    ['a negative blur', request({ box, displacement: { map: 'base', strength: 1, blur: -1 } }), 'layers[0].displacement.blur', 'Expected number between 0 and 100 for layers[0].displacement.blur but received -1'],
    ['an unknown displacement field', request({ box, displacement: { map: 'base', strength: 1, radius: 2 } }), 'layers[0].displacement.radius', 'Unknown field "layers[0].displacement.radius": expected only map, strength, blur'],
    ['a bad output format', request({ box }, { image_format: 'gif' }), 'image_format', 'Expected one of "jpeg", "png", "webp" for image_format but received "gif"'],
  ])('refuses %s', (_name, input, field, message) => {
    const error = refusal(input);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('names the layer at fault, not the first', () => {
    const layers = [{ image: 'aGVsbG8=', box }, { image: 'aGVsbG8=', box }, { image: 'aGVsbG8=', box: { ...box, width: -5 } }];
    expect(refusal({ base_image: 'aGVsbG8=', layers }).field).toBe('layers[2].box.width');
  });

  it('keeps a long received value short', () => {
    expect(refusal(request({ box, blend_mode: 'x'.repeat(10_000) })).message).toMatch(/but received a string of 10000 characters$/);
  });

  it('refuses a body that is not an object', () => {
    expect(refusal([1]).message).toBe('Expected a JSON object of mockup parameters but received an array');
  });
});

describe('the JSON form', () => {
  const bytes = new Uint8Array([1, 2, 3]);
  it.each<[string, string]>([
    ['base64', 'aGVsbG8='],
    ['a data: URI', 'data:image/png;base64,aGVsbG8='],
    ['an http(s) URL', 'https://example.com/design.png'],
  ])('accepts %s for every image field', (_name, image) => {
    const params = parseMockupRequest(request({ image, box, clip: image, displacement: { map: image, strength: 1 } }, { base_image: image }), 'json');
    expect(params.base_image).toBe(image);
    expect(params.layers[0]).toMatchObject({ image, clip: image, displacement: { map: image } });
  });

  it('takes "base" as the base\'s own luma', () => {
    expect(parseMockupRequest(request({ box, displacement: { map: 'base', strength: 1 } }), 'json').layers[0]!.displacement).toEqual({ map: 'base', strength: [1, 1], blur: 2 });
  });

  it.each<[string, object]>([
    ['base_image', { base_image: bytes, layers: [{ image: 'aGVsbG8=', box }] }],
    ['layers[0].image', request({ image: bytes, box })],
    ['layers[0].clip', request({ box, clip: bytes })],
    ['layers[0].displacement.map', request({ box, displacement: { map: bytes, strength: 1 } })],
    ['layers[0].image', request({ image: './design.png', box })],
  ])('refuses bytes and paths in %s', (field, input) => {
    const error = refusal(input, 'json');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`base64, a data: URI or an http(s) URL for ${field} but received`);
  });

  it('takes the same bytes in the library form', () => {
    expect(parseMockupRequest(request({ image: bytes, box, clip: bytes, displacement: { map: bytes, strength: 1 } }, { base_image: bytes })).layers[0]!.image).toBe(bytes);
  });
});
