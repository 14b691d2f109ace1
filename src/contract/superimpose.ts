import { z } from 'zod';
import { OUTPUT_FORMATS } from '../engine/codec.js';
import { RESIZE_METHODS } from '../engine/resample.js';
import { OVERLAY_RESIZE_MODES } from '../engine/target-size.js';
import { parseOrThrow, shapeOf, type ParameterTable } from './parameters.js';


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
} as const satisfies ParameterTable;

export type ParameterName = keyof typeof SUPERIMPOSE_PARAMETERS;

/** The request schema: unknown fields are refused, defaults filled in. */
export const superimposeRequestSchema = z.strictObject(shapeOf(SUPERIMPOSE_PARAMETERS, true));

/** The same request as a JSON body: images only as strings that can be one. The HTTP routes and the OpenAPI document use it. */
export const superimposeJsonSchema = z.strictObject(shapeOf(SUPERIMPOSE_PARAMETERS, true, 'json')).meta({ id: 'SuperimposeRequest' });

/** What callers send: only the images are required. */
export type SuperimposeRequest = z.input<typeof superimposeRequestSchema>;
/** A validated request with every default filled in. */
export type SuperimposeParams = z.output<typeof superimposeRequestSchema>;

/** Validates a request; a bad one throws a 400 SuperimposeError naming the field. */
export function parseSuperimposeRequest(input: unknown): SuperimposeParams {
  return parseOrThrow(superimposeRequestSchema, input, 'superimpose');
}
