import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { superimpose, SuperimposeError } from '../../src/index.js';
import { pixels, solidPng } from '../helpers/images.js';

const white = () => solidPng(4, 4, { r: 255, g: 255, b: 255 });
const red = () => solidPng(2, 2, { r: 255, g: 0, b: 0 });

describe('superimpose()', () => {
  it('blends opaque red at opacity 0.5 over white to (255, 128, 128)', async () => {
    const result = await superimpose({ base_image: await white(), overlay_image: await red(), opacity: 0.5, image_format: 'png' });
    const out = await pixels(result.data);
    expect(result.info).toEqual({ width: 4, height: 4, format: 'png' });
    expect([...out.data.subarray(0, 3)]).toEqual([255, 128, 128]);
    // Outside the 2x2 overlay the base is untouched.
    expect([...out.data.subarray(3 * 3, 3 * 3 + 3)]).toEqual([255, 255, 255]);
  });

  it('places the overlay at x_offset, y_offset and clips what falls outside', async () => {
    const result = await superimpose({ base_image: await white(), overlay_image: await red(), x_offset: 3, y_offset: -1, image_format: 'png' });
    const out = await pixels(result.data);
    const at = (x: number, y: number) => [...out.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    expect(at(3, 0)).toEqual([255, 0, 0]);
    expect(at(3, 1)).toEqual([255, 255, 255]);
    expect(at(2, 0)).toEqual([255, 255, 255]);
  });

  it('hides the overlay where the mask is black', async () => {
    const mask = await sharp(Uint8Array.from([255, 0, 255, 0]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    const out = await pixels((await superimpose({ base_image: await white(), overlay_image: await red(), mask, image_format: 'png' })).data);
    expect([...out.data.subarray(0, 6)]).toEqual([255, 0, 0, 255, 255, 255]);
  });

  it('takes base64, data: URIs and file paths for images', async () => {
    const base = (await white()).toString('base64');
    const overlay = `data:image/png;base64,${(await red()).toString('base64')}`;
    const result = await superimpose({ base_image: base, overlay_image: overlay, mask: 'golden/inputs/mask-disc-64x64.png' });
    expect((await sharp(result.data).metadata()).format).toBe('jpeg');
  });

  it('encodes jpeg, png and webp', async () => {
    for (const image_format of ['jpeg', 'png', 'webp'] as const) {
      const result = await superimpose({ base_image: await white(), overlay_image: await red(), image_format });
      expect((await sharp(result.data).metadata()).format).toBe(image_format);
      expect(result.info.format).toBe(image_format);
    }
  });

  it('throws a typed 400 for a bad parameter, with the HTTP message', async () => {
    const error = await superimpose({ base_image: await white(), overlay_image: await red(), rotation: 999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SuperimposeError);
    expect(error).toMatchObject({ status: 400, field: 'rotation', message: 'Expected integer between 0 and 360 for rotation but received 999' });
  });

  it('throws a typed 400 for a zero-size target instead of crashing', async () => {
    await expect(superimpose({ base_image: await white(), overlay_image: await red(), rescale_factor: 0.1 })).rejects.toMatchObject({
      status: 400,
      field: 'rescale_factor',
    });
  });

  it('wraps what sharp throws on bad bytes as a 400 with its cause', async () => {
    const error = await superimpose({ base_image: Buffer.from('garbage'), overlay_image: await red() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'invalid_image', field: 'base_image' });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('refuses an oversized overlay target quickly, before allocating it', async () => {
    const logo = await sharp({ create: { width: 2048, height: 1536, channels: 4, background: 'red' } }).png().toBuffer();
    const started = performance.now();
    await expect(superimpose({ base_image: await white(), overlay_image: logo, rescale_factor: 16 })).rejects.toMatchObject({ status: 413, code: 'too_large' });
    await expect(
      superimpose({ base_image: await white(), overlay_image: await red(), overlay_resize: 'Resize to width & heigth', width: 100000, height: 100000 }),
    ).rejects.toMatchObject({ status: 413 });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('stops at timeoutMs with a render_timeout naming the option', async () => {
    const base = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#468' } }).png().toBuffer();
    const overlay = await sharp({ create: { width: 3000, height: 3000, channels: 4, background: '#f008' } }).png().toBuffer();
    await expect(superimpose({ base_image: base, overlay_image: overlay, overlay_resize: 'None', rotation: 33 }, { timeoutMs: 5 })).rejects.toMatchObject({
      code: 'render_timeout',
      message: 'The render took longer than 5 ms (timeoutMs): retry later, or with smaller images',
    });
  });

  it('takes SVG within the SVG policy, and none when svg is off', async () => {
    const logo = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><rect width="2" height="2" fill="red"/></svg>');
    const out = await pixels((await superimpose({ base_image: await white(), overlay_image: logo, image_format: 'png' })).data);
    expect([...out.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    const blurred = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"><filter id="f"><feGaussianBlur stdDeviation="9"/></filter><rect width="2" height="2" filter="url(#f)"/></svg>');
    await expect(superimpose({ base_image: await white(), overlay_image: blurred })).rejects.toMatchObject({ code: 'unsupported_input', field: 'overlay_image' });
    await expect(superimpose({ base_image: await white(), overlay_image: logo }, { svg: 'off' })).rejects.toMatchObject({ code: 'unsupported_input', message: expect.stringContaining('(svg is off)') });
  });
});
