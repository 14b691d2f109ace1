import { z } from 'zod';
import { describeValue, SuperimposeError } from './errors.js';
import type { ParameterSpec, ParameterTable } from './parameter-table.js';

export type { ParameterSpec, ParameterTable } from './parameter-table.js';

/**
 * An image field's value: the encoded image as bytes (a Buffer or any
 * Uint8Array), or a string. In the library and the CLI a string is a file
 * path, raw base64, a data: URI, or an http(s) URL (fetched only with a
 * `loadUrl`); over HTTP it is raw base64, a data: URI or an http(s) URL, and
 * never a path.
 */
export type ImageSource = string | Uint8Array;

/**
 * How a surface takes images: the library also takes bytes and file paths;
 * JSON takes only strings that can be an image (raw base64 of at least one
 * byte, line breaks allowed; a data: URI; an http(s) URL), so its schema, and
 * the OpenAPI document made from it, say exactly what the server accepts.
 */
export type ImageForm = 'library' | 'json';

// Plain character-class runs only: a group repeated per character would overflow
// V8's backtracking stack on a base64 string of a few megabytes.
const JSON_IMAGE_PATTERN =
  '^\\s*(?:[dD][aA][tT][aA]:[^,]*,\\s*\\S[\\s\\S]*|[hH][tT][tT][pP][sS]?://\\S+|[A-Za-z0-9+/_\\-\\s]*[A-Za-z0-9+/_-]\\s*[A-Za-z0-9+/_-][\\s=]*)$';

function range(spec: { min?: number; max?: number }): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return ` of at least ${spec.min}`;
  if (spec.max !== undefined) return ` of at most ${spec.max}`;
  return '';
}

/** "integer between 0 and 360", "one of "a", "b"", …: what a message says was expected. */
export function expectationOf(spec: ParameterSpec, images: ImageForm = 'library'): string {
  switch (spec.kind) {
    case 'image':
      return images === 'json' ? 'base64, a data: URI or an http(s) URL' : 'an image (base64, data: URI, http(s) URL, file path or bytes)';
    case 'remote-image':
      return 'an image URL or base64 string';
    case 'string':
      return 'a string';
    case 'number':
    case 'integer':
      return `${spec.kind}${range(spec)}`;
    case 'boolean':
      return 'boolean';
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
}

const isRequired = (spec: ParameterSpec): boolean => 'required' in spec && spec.required === true;

type Base<S extends ParameterSpec, I extends ImageForm> = S extends { kind: 'image' }
  ? I extends 'json'
    ? z.ZodString
    : z.ZodType<ImageSource, ImageSource>
  : S extends { kind: 'remote-image' | 'string' }
    ? z.ZodString
    : S extends { kind: 'number' | 'integer' }
      ? z.ZodNumber
      : S extends { kind: 'boolean' }
        ? z.ZodBoolean
        : S extends { kind: 'enum'; values: infer V extends readonly [string, ...string[]] }
          ? z.ZodEnum<{ [K in V[number]]: K }>
          : never;

type Field<S extends ParameterSpec, Defaults extends boolean, I extends ImageForm> = S extends { required: true }
  ? Base<S, I>
  : Defaults extends true
    ? S extends { default: unknown }
      ? z.ZodDefault<Base<S, I>>
      : z.ZodOptional<Base<S, I>>
    : z.ZodOptional<Base<S, I>>;

export type Shape<T extends ParameterTable, Defaults extends boolean, I extends ImageForm = 'library'> = { [K in keyof T]: Field<T[K], Defaults, I> };

function baseSchema(name: string, spec: ParameterSpec, images: ImageForm): z.ZodType {
  const error = (issue: { input?: unknown }) => `Expected ${expectationOf(spec, images)} for ${name} but received ${describeValue(issue.input)}`;
  const meta = { description: spec.description };
  switch (spec.kind) {
    case 'image':
      if (images === 'json') return z.string({ error }).regex(new RegExp(JSON_IMAGE_PATTERN), { error }).meta({ description: `${spec.description} Base64, a data: URI or an http(s) URL.` });
      return z.union([z.string({ error }).min(1, { error }), z.instanceof(Uint8Array, { error })], { error }).meta(meta);
    case 'remote-image':
      return z.string({ error }).min(1, { error }).meta(meta);
    case 'string':
      return z.string({ error }).meta(meta);
    case 'number':
    case 'integer': {
      let schema = z.number({ error });
      if (spec.kind === 'integer') schema = schema.int({ error });
      if (spec.min !== undefined) schema = schema.min(spec.min, { error });
      if (spec.max !== undefined) schema = schema.max(spec.max, { error });
      return schema.meta(meta);
    }
    case 'boolean':
      return z.boolean({ error }).meta(meta);
    case 'enum':
      return z.enum(spec.values, { error }).meta(meta);
  }
}

/** The zod shape of a table; with `defaults`, optional fields take their default. */
export function shapeOf<T extends ParameterTable, D extends boolean, I extends ImageForm = 'library'>(table: T, defaults: D, images?: I): Shape<T, D, I> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(table)) {
    const field = baseSchema(name, spec, images ?? 'library');
    if (isRequired(spec)) shape[name] = field;
    else if (defaults && 'default' in spec && spec.default !== undefined) shape[name] = field.default(spec.default as never);
    else shape[name] = field.optional();
  }
  return shape as Shape<T, D, I>;
}

/** A schema's first problem as the refusal to throw; `input` is what was parsed. */
export type IssueRefusal = (issue: z.core.$ZodIssue, input: unknown, error: z.ZodError) => SuperimposeError;

/**
 * Parses against a schema; the first problem becomes a 400 naming its field,
 * a top-level one by default, or as `refuse` words it (nested schemas).
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, refuse?: IssueRefusal): z.output<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SuperimposeError('invalid_parameter', `Expected a JSON object of ${what} parameters but received ${describeValue(input)}`);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (refuse) throw refuse(issue, input, result.error);
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0]!;
    const known = Object.keys((schema as unknown as z.ZodObject).shape).join(', ');
    throw new SuperimposeError('invalid_parameter', `Unknown field ${JSON.stringify(field)}: expected only ${known}`, { field });
  }
  throw new SuperimposeError('invalid_parameter', issue.message, { field: String(issue.path[0] ?? ''), cause: result.error });
}

/** The default as docs show it: the JSON value, "required", or empty. */
export function defaultText(spec: ParameterSpec): string {
  if ('default' in spec && spec.default !== undefined) return JSON.stringify(spec.default);
  return isRequired(spec) ? 'required' : '';
}
