import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A file of golden/inputs/, by name. */
export const goldenPath = (name: string): string => fileURLToPath(new URL(`../golden/inputs/${name}`, import.meta.url));
export const goldenInput = (name: string): Buffer => readFileSync(goldenPath(name));

/**
 * Issue 7's seed job: a 1024² JPEG base and the 1280x960 PNG overlay at 0.4,
 * bilinear, at (320, 620); the output format is left to the defaults (JPEG q95).
 */
export const SEED_PARAMETERS = { rescale_factor: 0.4, resize_method: 'bilinear', x_offset: 320, y_offset: 620 } as const;
export const SEED_BASE = 'square-1024.jpg';
export const SEED_OVERLAY = 'test-pattern.png';

/** The seed job with its images as bytes (for the library) or base64 (for HTTP bodies). */
export function seedJob(): typeof SEED_PARAMETERS & { base_image: Buffer; overlay_image: Buffer };
export function seedJob(encoding: 'base64'): typeof SEED_PARAMETERS & { base_image: string; overlay_image: string };
export function seedJob(encoding?: 'base64') {
  const image = (name: string) => (encoding ? goldenInput(name).toString('base64') : goldenInput(name));
  return { base_image: image(SEED_BASE), overlay_image: image(SEED_OVERLAY), ...SEED_PARAMETERS };
}
