import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS } from '../../src/engine/codec.js';
import { RESIZE_METHODS } from '../../src/engine/resample.js';
import { OVERLAY_RESIZE_MODES } from '../../src/engine/target-size.js';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/http.js';

const app = buildApp(testConfig());
afterAll(() => app.close());

const image = (maxSide: number, channels: 3 | 4) =>
  fc
    .record({ width: fc.integer({ min: 1, max: maxSide }), height: fc.integer({ min: 1, max: maxSide }), seed: fc.integer() })
    .map(async ({ width, height, seed }) => {
      const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (Math.imul(i + 1, seed | 1) >>> 13) & 255);
      const png = await sharp(data, { raw: { width, height, channels } }).png().toBuffer();
      return { width, height, base64: png.toString('base64') };
    });

const params = fc.record(
  {
    rescale_factor: fc.double({ min: 0, max: 16, noNaN: true }),
    resize_method: fc.constantFrom(...RESIZE_METHODS),
    overlay_resize: fc.constantFrom(...OVERLAY_RESIZE_MODES),
    opacity: fc.double({ min: 0, max: 1, noNaN: true }),
    width: fc.integer({ min: 1, max: 300 }),
    height: fc.integer({ min: 1, max: 300 }),
    x_offset: fc.integer({ min: -500, max: 500 }),
    y_offset: fc.integer({ min: -500, max: 500 }),
    rotation: fc.integer({ min: 0, max: 360 }),
    image_format: fc.constantFrom(...OUTPUT_FORMATS),
    image_quality: fc.integer({ min: 10, max: 100 }),
  },
  { requiredKeys: [] },
);

describe('random valid requests', () => {
  it('never answer 5xx, and every 200 has the base size', async () => {
    await fc.assert(
      fc.asyncProperty(image(48, 3), image(48, 4), fc.option(image(32, 4), { nil: undefined }), params, async (baseP, overlayP, maskP, p) => {
        const [baseImage, overlayImage, maskImage] = await Promise.all([baseP, overlayP, maskP]);
        const res = await app.inject({
          method: 'POST',
          url: '/v1/superimpose',
          payload: { base_image: baseImage.base64, overlay_image: overlayImage.base64, ...(maskImage ? { mask: maskImage.base64 } : {}), ...p },
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode === 200) {
          const meta = await sharp(res.rawPayload).metadata();
          expect([meta.width, meta.height]).toEqual([baseImage.width, baseImage.height]);
        } else {
          // Only a target size of zero may be refused here: everything else is valid and small.
          expect(res.json<{ error: string }>().error).toMatch(/at least 1x1/);
        }
      }),
      { numRuns: 150 },
    );
  });
});
