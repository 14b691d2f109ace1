/**
 * What the server gives the page as JSON at serve time (src/http/routes/playground.ts):
 * the parameter tables the schemas are made from, and the facts of this server.
 */
export type ParameterRow =
  | { readonly kind: 'image' | 'remote-image'; readonly required: boolean; readonly description: string }
  | { readonly kind: 'string'; readonly required?: boolean; readonly default?: string; readonly description: string }
  | { readonly kind: 'number' | 'integer'; readonly min?: number; readonly max?: number; readonly default?: number; readonly description: string }
  | { readonly kind: 'boolean'; readonly default?: boolean; readonly description: string }
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default?: string; readonly description: string };

export type ParameterTable = Readonly<Record<string, ParameterRow>>;

export type Point = readonly [number, number];
export type Quad = readonly [Point, Point, Point, Point];

/** A file of the examples: where the page fetches it, and the name it has in snippets. */
export interface ExampleFile {
  readonly url: string;
  readonly name: string;
}

export interface ExampleLayer {
  readonly quad: Quad;
  readonly fit?: string;
  readonly blend_mode?: string;
  readonly opacity?: number;
  readonly clip?: ExampleFile;
  readonly displacement?: { readonly map: 'base' | ExampleFile; readonly strength: number | readonly [number, number]; readonly blur?: number };
}

export interface Example {
  readonly name: string;
  readonly shows: string;
  readonly photo: ExampleFile;
  readonly design: ExampleFile;
  readonly layers: readonly ExampleLayer[];
  readonly image_format?: string;
  readonly image_quality?: number;
}

export interface PlaygroundConfig {
  /** Whether the API asks for x-api-key. */
  readonly keyRequired: boolean;
  readonly superimpose: ParameterTable;
  readonly mockup: {
    readonly request: ParameterTable;
    readonly layer: ParameterTable;
    readonly displacement: ParameterTable;
    readonly maxLayers: number;
    readonly maxDisplacementStrength: number;
    readonly maxDisplacementBlur: number;
  };
  readonly examples: readonly Example[];
}

/** The values of an enum row, or none. */
export const enumValues = (row: ParameterRow | undefined): readonly string[] => (row?.kind === 'enum' ? row.values : []);

/** A row's default, when it has one. */
export const defaultOf = (row: ParameterRow | undefined): string | number | boolean | undefined => (row && 'default' in row ? row.default : undefined);
