import type { ParseArgsConfig } from 'node:util';
import { expectationOf } from '../contract/parameters.js';
import { SUPERIMPOSE_PARAMETERS, type ParameterName } from '../contract/superimpose.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../engine/codec.js';
import { UsageError } from './errors.js';

/** The image fields take SPEC's short flag names; every other parameter is its kebab-case name. */
const IMAGE_FLAGS: Partial<Record<ParameterName, string>> = { base_image: 'base', overlay_image: 'overlay', mask: 'mask' };

const flagOf = (name: ParameterName): string => IMAGE_FLAGS[name] ?? name.replace(/_/g, '-');

/** parseArgs options for every superimpose parameter, derived from the parameter table. */
export function parameterOptions(): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(SUPERIMPOSE_PARAMETERS) as [ParameterName, (typeof SUPERIMPOSE_PARAMETERS)[ParameterName]][]) {
    options[flagOf(name)] = { type: spec.kind === 'boolean' ? 'boolean' : 'string' };
  }
  return options;
}

/** Help lines for the parameter flags, from the same table. */
export function parameterHelp(): string {
  return (Object.entries(SUPERIMPOSE_PARAMETERS) as [ParameterName, (typeof SUPERIMPOSE_PARAMETERS)[ParameterName]][])
    .map(([name, spec]) => {
      const fallback = 'default' in spec ? ` (default ${JSON.stringify(spec.default)})` : '';
      return `  --${flagOf(name).padEnd(16)} ${expectationOf(spec)}${fallback}`;
    })
    .join('\n');
}

/** Flag values -> a request object with the API's names; numbers stay strings when they don't parse, so the schema names them. */
export function requestFromFlags(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SUPERIMPOSE_PARAMETERS) as [ParameterName, (typeof SUPERIMPOSE_PARAMETERS)[ParameterName]][]) {
    const value = values[flagOf(name)];
    if (value === undefined) continue;
    if ((spec.kind === 'number' || spec.kind === 'integer') && typeof value === 'string') {
      const number = Number(value);
      request[name] = value.trim() !== '' && Number.isFinite(number) ? number : value;
    } else request[name] = value;
  }
  return request;
}

const EXTENSIONS: Record<string, OutputFormat> = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', webp: 'webp' };

/** The output format a file name asks for, if any. */
export function formatFromName(path: string): OutputFormat | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === undefined) return undefined;
  const format = EXTENSIONS[extension];
  if (!format) throw new UsageError(`Expected an output name ending in .jpg, .jpeg, .png or .webp (or --image-format ${OUTPUT_FORMATS.join('|')}) but received ${path}`);
  return format;
}
