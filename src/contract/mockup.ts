import { z } from 'zod';
import { BLEND_MODES } from '../engine/mockup/blend.js';
import { FITS } from '../engine/mockup/fit.js';
import { boxQuad, type Quad } from '../engine/mockup/geometry.js';
import { isStrictlyConvex } from '../engine/mockup/quad.js';
import { describeValue, SuperimposeError } from './errors.js';
import { expectationOf, parseOrThrow, shapeOf, type ImageForm, type ParameterTable } from './parameters.js';
import { SUPERIMPOSE_PARAMETERS } from './superimpose.js';

/** A blur wider than this softens any map to flat (and its kernel would cost time for nothing). */
export const MAX_DISPLACEMENT_BLUR = 100;
/** Pixels a design may be moved; far beyond any fold, and it bounds the region a layer can reach. */
export const MAX_DISPLACEMENT_STRENGTH = 10_000;

export const MOCKUP_LIMITS = { maxLayers: 16 } as const;

/** The request's flat fields: superimpose's own rows, so both endpoints take and answer images alike. */
export const MOCKUP_PARAMETERS = {
  base_image: SUPERIMPOSE_PARAMETERS.base_image,
  image_format: SUPERIMPOSE_PARAMETERS.image_format,
  image_quality: SUPERIMPOSE_PARAMETERS.image_quality,
  base64: SUPERIMPOSE_PARAMETERS.base64,
} as const satisfies ParameterTable;

/** A layer's flat fields; quad, box and displacement are structured (MOCKUP_STRUCTURE). */
export const MOCKUP_LAYER_PARAMETERS = {
  image: { kind: 'image', required: true, description: 'The design.' },
  fit: { kind: 'enum', values: FITS, default: 'contain', description: 'How the design fills its area: all of it inside, the area covered (cropped about the centre), or stretched.' },
  blend_mode: { kind: 'enum', values: BLEND_MODES, default: 'normal', description: 'Separable blend mode of W3C Compositing and Blending Level 1 (as CSS mix-blend-mode).' },
  opacity: { kind: 'number', min: 0, max: 1, default: 1, description: 'Layer opacity, 1 = opaque.' },
  clip: { kind: 'image', required: false, description: "Luma mask of the base's size: white = the layer may paint there." },
} as const satisfies ParameterTable;

/** Numbers are finite (zod refuses NaN and ±Infinity); width and height are also above 0. */
const MOCKUP_BOX_PARAMETERS = {
  x: { kind: 'number', description: 'Left edge of the unturned box, in base pixels.' },
  y: { kind: 'number', description: 'Top edge of the unturned box, in base pixels.' },
  width: { kind: 'number', description: 'Width in base pixels, above 0.' },
  height: { kind: 'number', description: 'Height in base pixels, above 0.' },
  rotation: { kind: 'number', default: 0, description: 'Counter-clockwise turn on screen about the centre, in degrees.' },
} as const satisfies ParameterTable;

export const MOCKUP_DISPLACEMENT_PARAMETERS = {
  map: { kind: 'image', required: true, description: `Image of the base's size whose luma bends the design, or "base" for the base's own luma.` },
  blur: { kind: 'number', min: 0, max: MAX_DISPLACEMENT_BLUR, description: 'Gaussian blur of the map in pixels; left out, 2 for "base" and 0 for an image.' },
} as const satisfies ParameterTable;

/** Fields no flat row can type: what the schema and the docs say of them. */
const MOCKUP_STRUCTURE = {
  layers: { expected: `an array of 1 to ${MOCKUP_LIMITS.maxLayers} layers`, description: 'Designs painted in order over the base.' },
  quad: { expected: '4 corners [x, y] of finite numbers', description: "Where the design's area lands: its top-left, top-right, bottom-right and bottom-left corners in base pixels; strictly convex, either way round." },
  box: { expected: 'an object {x, y, width, height, rotation?}', description: 'Shorthand for a quad: the rectangle, turned rotation degrees counter-clockwise on screen about its centre.' },
  displacement: { expected: 'an object {map, strength, blur?}', description: "Bends the design along the product's folds." },
  strength: { expected: `a number or [x, y] of numbers between -${MAX_DISPLACEMENT_STRENGTH} and ${MAX_DISPLACEMENT_STRENGTH}`, description: 'Displacement in pixels at luma 0 or 255, one number for both axes or [x, y].' },
} as const;

/** `layers[1].box.width`: the path as the request writes it. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

/** Small arrays of numbers written out (quads, strengths), anything else as describeValue; never longer than `limit`. */
function describeReceived(value: unknown, limit = 240): string {
  const text = (v: unknown): string | undefined => {
    if (typeof v === 'number') return String(v);
    if (!Array.isArray(v)) return typeof v === 'object' && v !== null ? undefined : describeValue(v);
    if (v.length > 8) return undefined;
    const items = v.map(text);
    return items.every((item) => item !== undefined) ? `[${items.join(',')}]` : undefined;
  };
  const written = text(value);
  return written !== undefined && written.length <= limit ? written : describeValue(value);
}

type Issue = { readonly code?: string; readonly path?: readonly PropertyKey[]; readonly input?: unknown; readonly keys?: readonly string[] };

/** The error of a field: "Expected EXPECTED for layers[0].FIELD but received …", with the full path zod gives the error function. */
const expecting = (expected: string) => (issue: Issue) => `Expected ${expected} for ${fieldOf(issue.path ?? [])} but received ${describeReceived(issue.input)}`;

/** A strict object's error: its unknown fields by name, or anything that is not an object. */
const objectError = (expected: string, keys: () => readonly string[]) => (issue: Issue) => {
  if (issue.code !== 'unrecognized_keys') return expecting(expected)(issue);
  return `Unknown field ${JSON.stringify(fieldOf([...(issue.path ?? []), issue.keys?.[0] ?? '']))}: expected only ${keys().join(', ')}`;
};

const finite = () => z.number({ error: expecting(MOCKUP_STRUCTURE.quad.expected) });
const point = () => z.tuple([finite(), finite()], { error: expecting(MOCKUP_STRUCTURE.quad.expected) });

const quadSchema = z
  .tuple([point(), point(), point(), point()], { error: expecting(MOCKUP_STRUCTURE.quad.expected) })
  .refine(isStrictlyConvex, { error: expecting('a strictly convex quad (no three corners on one line)') })
  .meta({ description: MOCKUP_STRUCTURE.quad.description });

const boxSchema = (() => {
  const table = shapeOf(MOCKUP_BOX_PARAMETERS, true);
  const positive = (field: 'width' | 'height') => table[field].unwrap().positive({ error: expecting('number above 0') });
  const shape = { x: table.x.unwrap(), y: table.y.unwrap(), width: positive('width'), height: positive('height'), rotation: table.rotation };
  return z.strictObject(shape, { error: objectError(MOCKUP_STRUCTURE.box.expected, () => Object.keys(shape)) }).meta({ description: MOCKUP_STRUCTURE.box.description });
})();

const strengthError = { error: (issue: Issue) => expecting(MOCKUP_STRUCTURE.strength.expected)(issue) };
const strengthNumber = z.number(strengthError).min(-MAX_DISPLACEMENT_STRENGTH, strengthError).max(MAX_DISPLACEMENT_STRENGTH, strengthError);

function displacementSchema<I extends ImageForm>(images: I) {
  const table = shapeOf(MOCKUP_DISPLACEMENT_PARAMETERS, false, images);
  const shape = {
    // "base" is tried first: in the library a file called base is ./base.
    map: z.union([z.literal('base'), table.map], { error: expecting(`"base" or ${expectationOf(MOCKUP_DISPLACEMENT_PARAMETERS.map, images)}`) }).meta({ description: MOCKUP_DISPLACEMENT_PARAMETERS.map.description }),
    strength: z.union([strengthNumber, z.tuple([strengthNumber, strengthNumber])], { error: expecting(MOCKUP_STRUCTURE.strength.expected) }).meta({ description: MOCKUP_STRUCTURE.strength.description }),
    blur: table.blur,
  };
  return z
    .strictObject(shape, { error: objectError(MOCKUP_STRUCTURE.displacement.expected, () => Object.keys(shape)) })
    .meta({ description: MOCKUP_STRUCTURE.displacement.description })
    .transform(withDefaults);
}

/** Strength as [x, y], and MOCKUP.md's blur: the base's own luma carries its texture, so it is softened unless told otherwise. */
function withDefaults<T extends { readonly strength: number | readonly [number, number]; readonly blur?: number | undefined }>(displacement: T) {
  const { strength, blur } = displacement;
  // Generic over the image form, whose map type TypeScript cannot resolve here.
  const map: unknown = (displacement as { readonly map?: unknown }).map;
  const pair: [number, number] = typeof strength === 'number' ? [strength, strength] : [strength[0], strength[1]];
  return { ...displacement, strength: pair, blur: blur ?? (map === 'base' ? 2 : 0) };
}

function layerSchema<I extends ImageForm>(images: I) {
  const table = shapeOf(MOCKUP_LAYER_PARAMETERS, true, images);
  const shape = {
    image: table.image,
    quad: quadSchema.optional(),
    box: boxSchema.optional(),
    fit: table.fit,
    blend_mode: table.blend_mode,
    opacity: table.opacity,
    clip: table.clip,
    displacement: displacementSchema(images).optional(),
  };
  return z
    .strictObject(shape, { error: objectError('a layer object', () => Object.keys(shape)) })
    .refine((layer) => (layer.quad === undefined) !== (layer.box === undefined), {
      error: (issue) => {
        const layer = issue.input as { quad?: unknown } | undefined;
        return `Expected exactly one of quad and box for ${fieldOf(issue.path ?? [])} but received ${layer?.quad === undefined ? 'neither' : 'both'}`;
      },
    })
    // The refinement does not reach the JSON Schema: the document says it itself.
    .meta({ oneOf: [{ required: ['quad'] }, { required: ['box'] }] })
    .transform(({ quad, box, displacement, ...rest }) => {
      const area: Quad = quad ?? boxQuad(box!);
      return { ...rest, quad: area, ...(displacement && { displacement }) };
    });
}

function requestSchema<I extends ImageForm>(images: I) {
  const table = shapeOf(MOCKUP_PARAMETERS, true, images);
  const layers = z
    .array(layerSchema(images), { error: expecting(MOCKUP_STRUCTURE.layers.expected) })
    .min(1, { error: (issue) => `Expected at least 1 layer for ${fieldOf(issue.path ?? [])} but received 0` })
    .max(MOCKUP_LIMITS.maxLayers, { error: (issue) => `Expected at most ${MOCKUP_LIMITS.maxLayers} layers for ${fieldOf(issue.path ?? [])} but received ${(issue.input as unknown[]).length}` })
    .meta({ description: MOCKUP_STRUCTURE.layers.description });
  const shape = { base_image: table.base_image, layers, image_format: table.image_format, image_quality: table.image_quality, base64: table.base64 };
  return z.strictObject(shape, { error: objectError('a JSON object of mockup parameters', () => Object.keys(shape)) });
}

/** The library's request: images as bytes, paths, base64, data: URIs or URLs; defaults filled, every layer given its quad. */
export const mockupRequestSchema = requestSchema('library');

/** The same request as a JSON body: images only as strings that can be one. The HTTP routes and the OpenAPI document use it. */
export const mockupJsonSchema = requestSchema('json').meta({ id: 'MockupRequest' });

/** What callers send. */
export type MockupRequest = z.input<typeof mockupRequestSchema>;
/** A validated request: defaults filled, each layer with its quad (a box turned into one), its displacement's strength as [x, y] and its blur set. */
export type MockupParams = z.output<typeof mockupRequestSchema>;
export type MockupLayerParams = MockupParams['layers'][number];

/**
 * The field a refusal names, and its message. Inside a quad the deepest field
 * is the quad itself, given whole. The table's rows name only their own key,
 * so their messages are given the full path here.
 */
function refusal(issue: z.core.$ZodIssue, input: unknown, cause: z.ZodError): SuperimposeError {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') return new SuperimposeError('invalid_parameter', issue.message, { field: fieldOf([...path, issue.keys[0] ?? '']), cause });
  const quad = path.indexOf('quad');
  if (quad >= 0 && quad < path.length - 1) {
    const at = path.slice(0, quad + 1);
    const value = at.reduce<unknown>((object, key) => (object as Record<PropertyKey, unknown>)[key], input);
    return new SuperimposeError('invalid_parameter', expecting(MOCKUP_STRUCTURE.quad.expected)({ path: at, input: value }), { field: fieldOf(at), cause });
  }
  const field = fieldOf(path);
  const leaf = String(path[path.length - 1] ?? '');
  return new SuperimposeError('invalid_parameter', issue.message.replace(` for ${leaf} but received `, ` for ${field} but received `), { field, cause });
}

/** Validates a mockup request (`images`: the surface's form); a bad one throws a 400 SuperimposeError naming the deepest field, as `layers[1].quad`. */
export function parseMockupRequest(input: unknown, images: ImageForm = 'library'): MockupParams {
  return parseOrThrow(images === 'json' ? mockupJsonSchema : mockupRequestSchema, input, 'mockup', refusal);
}
