import type { Quad } from '../engine/mockup/geometry.js';
import type { ParameterTable } from './parameter-table.js';

/**
 * What the server gives the playground page as JSON at serve time
 * (src/http/routes/playground.ts): the parameter tables the schemas are made
 * from, and the facts of this server. Types only: the page imports them too,
 * and nothing of them reaches its bundle.
 */

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
