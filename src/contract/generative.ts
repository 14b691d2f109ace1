import { z } from 'zod';
import { parseOrThrow, shapeOf, type ParameterTable } from './parameters.js';

/** Fields the two Stable Diffusion pages state alike, up to their defaults. */
const diffusion = (defaults: { readonly scheduler: string; readonly steps: number; readonly minGuidance: number }) =>
  ({
    prompt: { kind: 'string', required: true, description: 'Prompt to render.' },
    negative_prompt: { kind: 'string', description: 'Prompts to exclude.' },
    samples: { kind: 'integer', min: 1, max: 4, default: 1, description: 'Number of samples to generate.' },
    scheduler: { kind: 'string', default: defaults.scheduler, description: 'Type of scheduler (values left to upstream).' },
    num_inference_steps: { kind: 'integer', min: 20, max: 100, default: defaults.steps, description: 'Number of denoising steps.' },
    guidance_scale: { kind: 'number', min: defaults.minGuidance, max: 25, default: 7.5, description: 'Scale for classifier-free guidance.' },
  }) as const satisfies ParameterTable;

const base64Output = { kind: 'boolean', default: false, description: 'Base64 encoding of the output image.' } as const;

/**
 * The generative models forwarded to Segmind, with the ranges their API pages
 * state. Fields the pages don't name pass through untouched (upstream may know
 * more), and where a page lists no allowed values only the type is checked.
 */
export const GENERATIVE_MODELS = {
  'sd1.5-img2img': {
    image: { kind: 'remote-image', required: true, description: 'Input image.' },
    ...diffusion({ scheduler: 'DDIM', steps: 20, minGuidance: 0.1 }),
    strength: { kind: 'number', min: 0.1, max: 1, default: 1, description: 'How much to transform the reference image.' },
    seed: { kind: 'integer', default: -1, description: 'Seed for image generation.' },
    img_width: { kind: 'integer', default: 512, description: 'Image resolution (values left to upstream).' },
    img_height: { kind: 'integer', default: 512, description: 'Image resolution (values left to upstream).' },
    base64: base64Output,
  },
  'bg-replace': {
    image: { kind: 'remote-image', required: true, description: 'Input image.' },
    ref_image: { kind: 'remote-image', required: true, description: 'Reference image.' },
    ...diffusion({ scheduler: 'DPM2 Karras', steps: 25, minGuidance: 1 }),
    seed: { kind: 'integer', min: -1, max: 999_999_999_999_999, default: -1, description: 'Seed for image generation.' },
    strength: { kind: 'number', min: 0, max: 1, default: 1, description: 'Strength.' },
    cn_weight: { kind: 'number', min: 0, max: 1, default: 0.9, description: 'ControlNet weight.' },
    ip_adapter_weight: { kind: 'number', min: 0, max: 1, default: 0.5, description: 'IP-Adapter weight.' },
    base64: base64Output,
  },
  'seg-swap': {
    main_image: { kind: 'remote-image', required: true, description: 'The main image.' },
    mask_image: { kind: 'remote-image', required: true, description: 'The main image mask.' },
    object_image: { kind: 'remote-image', required: true, description: 'The overlay image.' },
    prompt: { kind: 'string', description: 'The main prompt describing the scene or subject.' },
    steps: { kind: 'integer', min: 10, max: 100, default: 30, description: 'Number of steps.' },
    seed: { kind: 'integer', default: 42, description: 'Random seed.' },
    growmask: { kind: 'integer', min: 0, max: 20, default: 5, description: 'Grows the mask.' },
    fashion_strength: { kind: 'number', min: 0, max: 1, default: 1, description: 'Fashion strength.' },
    subject_strength: { kind: 'number', min: 0, max: 1, default: 1, description: 'Subject strength.' },
    horizontal_repeat: { kind: 'integer', min: 1, max: 10, default: 1, description: 'Horizontal tiling of the object.' },
    vertical_repeat: { kind: 'integer', min: 1, max: 10, default: 1, description: 'Vertical tiling of the object.' },
    image_format: { kind: 'enum', values: ['png', 'jpeg', 'webp'], default: 'png', description: 'Output image format.' },
    image_quality: { kind: 'integer', min: 10, max: 100, default: 95, description: 'Output quality.' },
    base64: { kind: 'boolean', default: false, description: 'Return the image as base64.' },
  },
} as const satisfies Record<string, ParameterTable>;

export type GenerativeModel = keyof typeof GENERATIVE_MODELS;
export const GENERATIVE_SLUGS = Object.keys(GENERATIVE_MODELS) as GenerativeModel[];

/** Validation only: no defaults are filled in, unknown fields are kept, and the body goes upstream as sent. */
export const generativeRequestSchemas = {
  'sd1.5-img2img': z.looseObject(shapeOf(GENERATIVE_MODELS['sd1.5-img2img'], false)),
  'bg-replace': z.looseObject(shapeOf(GENERATIVE_MODELS['bg-replace'], false)),
  'seg-swap': z.looseObject(shapeOf(GENERATIVE_MODELS['seg-swap'], false)),
};

export type GenerativeRequest<M extends GenerativeModel> = z.input<(typeof generativeRequestSchemas)[M]>;

/** Throws a 400 naming the field when a request breaks the model's stated ranges. */
export function validateGenerativeRequest<M extends GenerativeModel>(model: M, body: unknown): GenerativeRequest<M> {
  return parseOrThrow(generativeRequestSchemas[model], body, model) as GenerativeRequest<M>;
}
