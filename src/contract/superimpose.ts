import { z } from 'zod';
import { OUTPUT_FORMATS } from '../engine/codec.js';
import { RESIZE_METHODS } from '../engine/resample.js';
import { OVERLAY_RESIZE_MODES } from '../engine/target-size.js';
import { describeValue, SuperimposeError } from '../errors.js';

/**
 * The superimpose parameters, once. The zod schema, the CLI flags and the
 * docs are all derived from this table.
 */
export const SUPERIMPOSE_PARAMETERS = {
  base_image: { kind: 'image', required: true, description: 'Base image: it decides the output size.' },
  overlay_image: { kind: 'image', required: true, description: 'Image laid over the base; its alpha channel is kept.' },
  mask: { kind: 'image', required: false, description: "Luma mask for the overlay: white shows it, black hides it." },
  rescale_factor: { kind: 'number', default: 1, min: 0, max: 16, description: 'Overlay scale for "Resize by rescale_factor".' },
  resize_method: { kind: 'enum', values: RESIZE_METHODS, default: 'nearest-exact', description: 'Resampling, as PyTorch interpolate means it.' },
  overlay_resize: { kind: 'enum', values: OVERLAY_RESIZE_MODES, default: 'Resize by rescale_factor', description: 'How the overlay size is chosen.' },
  opacity: { kind: 'number', default: 1, min: 0, max: 1, description: 'Overlay opacity, 1 = opaque.' },
  width: { kind: 'integer', default: 1024, min: 1, max: 1_000_000, description: 'Overlay width for "Resize to width & heigth".' },
  height: { kind: 'integer', default: 1024, min: 1, max: 1_000_000, description: 'Overlay height for "Resize to width & heigth".' },
  x_offset: { kind: 'integer', default: 0, min: -1_000_000_000, max: 1_000_000_000, description: 'Left edge of the overlay on the base; may be negative.' },
  y_offset: { kind: 'integer', default: 0, min: -1_000_000_000, max: 1_000_000_000, description: 'Top edge of the overlay on the base; may be negative.' },
  rotation: { kind: 'integer', default: 0, min: 0, max: 360, description: 'Counter-clockwise rotation in degrees.' },
  base64: { kind: 'boolean', default: false, description: 'Answer JSON {"image": "<base64>"} instead of raw bytes.' },
  image_format: { kind: 'enum', values: OUTPUT_FORMATS, default: 'jpeg', description: 'Output encoding.' },
  image_quality: { kind: 'integer', default: 95, min: 10, max: 100, description: 'Quality of the lossy formats.' },
} as const;

export type ParameterName = keyof typeof SUPERIMPOSE_PARAMETERS;
export type ParameterSpec = (typeof SUPERIMPOSE_PARAMETERS)[ParameterName];

/** An image field: raw base64, a data: URI or an http(s) URL; the library also takes a file path or bytes. */
export type ImageSource = string | Uint8Array;

/** "integer between 0 and 360", "one of "a", "b"", …: the expectation a message states. */
export function expectationOf(spec: ParameterSpec): string {
  switch (spec.kind) {
    case 'image':
      return 'an image (base64, data: URI, http(s) URL, file path or bytes)';
    case 'number':
      return `number between ${spec.min} and ${spec.max}`;
    case 'integer':
      return `integer between ${spec.min} and ${spec.max}`;
    case 'boolean':
      return 'boolean';
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
}

type FieldSchema<S extends ParameterSpec> = S extends { kind: 'image' }
  ? z.ZodType<ImageSource>
  : S extends { kind: 'number' | 'integer' }
    ? z.ZodNumber
    : S extends { kind: 'boolean' }
      ? z.ZodBoolean
      : S extends { kind: 'enum'; values: infer V extends readonly [string, ...string[]] }
        ? z.ZodEnum<{ [K in V[number]]: K }>
        : never;

function fieldSchema<S extends ParameterSpec>(name: string, spec: S): FieldSchema<S> {
  const error = (issue: { input?: unknown }) => `Expected ${expectationOf(spec)} for ${name} but received ${describeValue(issue.input)}`;
  const meta = { description: spec.description };
  switch (spec.kind) {
    case 'image':
      return z
        .union([z.string().min(1), z.instanceof(Uint8Array)], { error })
        .meta(meta) as unknown as FieldSchema<S>;
    case 'number':
      return z.number({ error }).min(spec.min, { error }).max(spec.max, { error }).meta(meta) as FieldSchema<S>;
    case 'integer':
      return z.number({ error }).int({ error }).min(spec.min, { error }).max(spec.max, { error }).meta(meta) as FieldSchema<S>;
    case 'boolean':
      return z.boolean({ error }).meta(meta) as FieldSchema<S>;
    case 'enum':
      return z.enum(spec.values, { error }).meta(meta) as unknown as FieldSchema<S>;
  }
}

type Shape = {
  [K in ParameterName]: (typeof SUPERIMPOSE_PARAMETERS)[K] extends { required: true }
    ? FieldSchema<(typeof SUPERIMPOSE_PARAMETERS)[K]>
    : (typeof SUPERIMPOSE_PARAMETERS)[K] extends { default: unknown }
      ? z.ZodDefault<FieldSchema<(typeof SUPERIMPOSE_PARAMETERS)[K]>>
      : z.ZodOptional<FieldSchema<(typeof SUPERIMPOSE_PARAMETERS)[K]>>;
};

function buildShape(): Shape {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(SUPERIMPOSE_PARAMETERS) as [ParameterName, ParameterSpec][]) {
    const field = fieldSchema(name, spec) as z.ZodType;
    if ('default' in spec) shape[name] = (field as z.ZodNumber).default(spec.default as never);
    else shape[name] = spec.required ? field : field.optional();
  }
  return shape as Shape;
}

/** The request schema: unknown fields are refused. */
export const superimposeRequestSchema = z.strictObject(buildShape());

/** What callers send: only the images are required. */
export type SuperimposeRequest = z.input<typeof superimposeRequestSchema>;
/** A validated request with every default filled in. */
export type SuperimposeParams = z.output<typeof superimposeRequestSchema>;

/** Validates a request; a bad one throws a 400 SuperimposeError naming the field. */
export function parseSuperimposeRequest(input: unknown): SuperimposeParams {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SuperimposeError('invalid_parameter', `Expected a JSON object of superimpose parameters but received ${describeValue(input)}`);
  }
  const result = superimposeRequestSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0]!;
    return unknownField(field);
  }
  const field = String(issue.path[0] ?? '');
  throw new SuperimposeError('invalid_parameter', issue.message, { field, cause: result.error });
}

function unknownField(field: string): never {
  throw new SuperimposeError(
    'invalid_parameter',
    `Unknown field ${JSON.stringify(field)}: expected only ${Object.keys(SUPERIMPOSE_PARAMETERS).join(', ')}`,
    { field },
  );
}
