import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fillTemplate, mockup, superimpose, templatePlaceholders } from '../../src/index.js';
import { solidPng } from '../helpers/images.js';

const base = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#3a6' } }).png().toBuffer();
/** An opaque design with a different colour in each quarter, so that any misplacement shows. */
const design = () =>
  sharp({ create: { width: 10, height: 8, channels: 4, background: '#c02' } })
    .composite([{ input: { create: { width: 5, height: 4, channels: 4, background: '#02f' } }, left: 5, top: 4 }])
    .png()
    .toBuffer();

describe('mockup()', () => {
  it('gives superimpose\'s bytes for an opaque design stretched over its own rectangle at integer offsets', async () => {
    const layer = { image: await design(), box: { x: 7, y: 5, width: 10, height: 8 }, fit: 'stretch' as const };
    const painted = await mockup({ base_image: await base(), layers: [layer], image_format: 'png' });
    const pasted = await superimpose({ base_image: await base(), overlay_image: await design(), overlay_resize: 'None', x_offset: 7, y_offset: 5, image_format: 'png' });
    expect(painted.info).toEqual({ width: 40, height: 30, format: 'png' });
    expect(painted.data.equals(pasted.data)).toBe(true);
  });

  it('leaves the base as it is under an all-black clip', async () => {
    const clip = await solidPng(40, 30, { r: 0, g: 0, b: 0 });
    const clipped = await mockup({ base_image: await base(), layers: [{ image: await design(), box: { x: 7, y: 5, width: 10, height: 8 }, clip }], image_format: 'png' });
    const { data } = await sharp(clipped.data).raw().toBuffer({ resolveWithObject: true });
    const { data: plain } = await sharp(await base()).raw().toBuffer({ resolveWithObject: true });
    expect(data.equals(plain)).toBe(true);
  });

  it.each([
    { name: 'a quad that is not convex', layers: (image: Buffer) => [{ image, box: { x: 1, y: 1, width: 5, height: 5 } }, { image, quad: [[10, 10], [30, 12], [15, 14], [12, 28]] }], field: 'layers[1].quad', message: /strictly convex/ },
    { name: 'an unknown blend mode', layers: (image: Buffer) => [{ image, box: { x: 1, y: 1, width: 5, height: 5 }, blend_mode: 'hue' }], field: 'layers[0].blend_mode', message: /"hue"/ },
  ])('refuses $name, naming $field', async ({ layers, field, message }) => {
    await expect(mockup({ base_image: await base(), layers: layers(await design()) as never })).rejects.toMatchObject({ code: 'invalid_parameter', status: 400, field, message: expect.stringMatching(message) });
  });

  it('refuses a clip of the wrong size, giving both sizes', async () => {
    const clip = await solidPng(20, 30, { r: 255, g: 255, b: 255 });
    await expect(mockup({ base_image: await base(), layers: [{ image: await design(), box: { x: 1, y: 1, width: 5, height: 5 }, clip }] })).rejects.toMatchObject({
      status: 400,
      field: 'layers[0].clip',
      message: expect.stringMatching(/40x30.*20x30/),
    });
  });
});

describe('fillTemplate()', () => {
  const template = {
    base_image: 'shirt.jpg',
    layers: [
      { image: '{{design}}', box: { x: 1, y: 1, width: 5, height: 5 } },
      { image: '{{ badge }}', quad: [[0, 0], [4, 0], [4, 4], [0, 4]], clip: '{{design}}', displacement: { map: 'base', strength: 3 } },
    ],
    image_format: 'png',
  };

  it('fills every placeholder with its value and leaves the rest as written', () => {
    const filled = fillTemplate(template, { design: 'logo.png', badge: 'badge.png' });
    expect(filled).toEqual({
      ...template,
      layers: [
        { ...template.layers[0], image: 'logo.png' },
        { ...template.layers[1], image: 'badge.png', clip: 'logo.png', displacement: { map: 'base', strength: 3 } },
      ],
    });
    expect([...templatePlaceholders(template)]).toEqual([
      ['design', 'layers[0].image'],
      ['badge', 'layers[1].image'],
    ]);
  });

  it.each<{ values: Record<string, string>; error: string }>([
    { values: { design: 'logo.png' }, error: 'Expected a value for {{badge}} in layers[1].image but received none' },
    { values: { design: 'a', badge: 'b', logo: 'c' }, error: 'Expected a value for a placeholder of the template but received "logo", which it does not name (it names {{design}}, {{badge}})' },
  ])('refuses $values', ({ values, error }) => {
    expect(() => fillTemplate(template, values)).toThrow(error);
  });
});
