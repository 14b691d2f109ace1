/**
 * One row of a parameter table. Tables are `as const` data; zod schemas, CLI
 * flags and docs are derived from them (parameters.ts), and the playground
 * page builds its controls from them; this file imports nothing, so the page
 * can take the types alone.
 */
export type ParameterSpec =
  | { readonly kind: 'image'; readonly required: boolean; readonly description: string }
  | { readonly kind: 'remote-image'; readonly required: boolean; readonly description: string }
  | { readonly kind: 'string'; readonly required?: boolean; readonly default?: string; readonly description: string }
  | { readonly kind: 'number' | 'integer'; readonly min?: number; readonly max?: number; readonly default?: number; readonly description: string }
  | { readonly kind: 'boolean'; readonly default?: boolean; readonly description: string }
  | { readonly kind: 'enum'; readonly values: readonly [string, ...string[]]; readonly default?: string; readonly description: string };

export type ParameterTable = Readonly<Record<string, ParameterSpec>>;
