import { expectationOf } from '../contract/parameters.js';
import { SUPERIMPOSE_PARAMETERS, type ParameterName } from '../contract/superimpose.js';
import type { FlagSpec, FlagTable } from './args.js';

/** The image fields take SPEC's short flag names; every other parameter is its kebab-case name. */
const IMAGE_FLAGS: Partial<Record<ParameterName, string>> = { base_image: 'base', overlay_image: 'overlay', mask: 'mask' };

const flagOf = (name: ParameterName): string => IMAGE_FLAGS[name] ?? name.replace(/_/g, '-');

const parameters = () => Object.entries(SUPERIMPOSE_PARAMETERS) as [ParameterName, (typeof SUPERIMPOSE_PARAMETERS)[ParameterName]][];

/** A flag for every superimpose parameter, from the parameter table; each also answers to the API's own name (--base_image, --rescale_factor). */
export function parameterFlags(): FlagTable {
  const flags: Record<string, FlagSpec> = {};
  for (const [name, spec] of parameters()) {
    const kebab = name.replace(/_/g, '-');
    const aliases = flagOf(name) === kebab ? [] : [name, kebab];
    flags[flagOf(name)] = spec.kind === 'boolean' ? { kind: 'boolean', aliases } : { kind: 'string', value: expectationOf(spec), aliases };
  }
  return flags;
}

/** Help lines for the parameter flags, from the same table. */
export function parameterHelp(): string {
  return parameters()
    .map(([name, spec]) => {
      const fallback = 'default' in spec ? ` (default ${JSON.stringify(spec.default)})` : '';
      return `  --${flagOf(name).padEnd(16)} ${expectationOf(spec)}${fallback}`;
    })
    .join('\n');
}

/** Flag values -> a request object with the API's names; numbers stay strings when they don't parse, so the schema names them. */
export function requestFromFlags(values: Readonly<Record<string, string | boolean | undefined>>): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const [name, spec] of parameters()) {
    const value = values[flagOf(name)];
    if (value === undefined) continue;
    if ((spec.kind === 'number' || spec.kind === 'integer') && typeof value === 'string') {
      const number = Number(value);
      request[name] = value.trim() !== '' && Number.isFinite(number) ? number : value;
    } else request[name] = value;
  }
  return request;
}

/** A command's own flag with its help: one table gives the parser its flags and --help its lines. */
export interface DocumentedFlag extends FlagSpec {
  /** How --help writes the value, such as NAME=FILE. */
  readonly placeholder?: string;
  /** What the flag does; lines after the first are indented under it. */
  readonly help: string;
}

/** Help lines for a table of documented flags, in the table's order. */
export function flagHelp(table: Readonly<Record<string, DocumentedFlag>>): string {
  const heads = Object.entries(table).map(([name, spec]) => [`--${name}${spec.kind === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : ''}`, spec.help] as const);
  const width = Math.max(...heads.map(([head]) => head.length)) + 2;
  return heads.map(([head, help]) => `  ${head.padEnd(width)}${help.replace(/\n/g, `\n  ${' '.repeat(width)}`)}`).join('\n');
}
