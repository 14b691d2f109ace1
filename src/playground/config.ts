/**
 * The page's reading of what the server gives it at serve time: the types are
 * the server's own (src/contract/playground.ts), imported as types only, so
 * nothing of the server reaches the bundle.
 */
import type { ParameterSpec } from '../contract/parameter-table.js';

export type { Example, ExampleFile, ExampleLayer, PlaygroundConfig } from '../contract/playground.js';
export type { Point, Quad } from '../engine/mockup/geometry.js';
export type ParameterRow = ParameterSpec;

/** The values of an enum row, or none. */
export const enumValues = (row: ParameterRow | undefined): readonly string[] => (row?.kind === 'enum' ? row.values : []);

/** A row's default, when it has one. */
export const defaultOf = (row: ParameterRow | undefined): string | number | boolean | undefined => (row && 'default' in row ? row.default : undefined);
