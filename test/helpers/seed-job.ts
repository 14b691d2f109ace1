import { goldenBase64, goldenBytes } from './http.js';

/**
 * The seed job: a 1024² JPEG base and the 1280x960 PNG overlay at 0.4,
 * bilinear, at (320, 620); the output format is left to the defaults (JPEG q95).
 */
const SEED_PARAMETERS = { rescale_factor: 0.4, resize_method: 'bilinear', x_offset: 320, y_offset: 620 } as const;

/** The seed job with its images as bytes, for the library. */
export const seedJob = () => ({ base_image: goldenBytes('square-1024.jpg'), overlay_image: goldenBytes('test-pattern.png'), ...SEED_PARAMETERS });

/** The seed job with its images as base64, for HTTP bodies. */
export const seedBody = () => ({ base_image: goldenBase64('square-1024.jpg'), overlay_image: goldenBase64('test-pattern.png'), ...SEED_PARAMETERS });
