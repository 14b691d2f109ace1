import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../src/cli/mockup/template.js';
import { fillTemplate, mockup } from '../../src/index.js';
import { arrowStep, describePoint, moveCorner, startingQuad } from '../../src/playground/geometry.js';
import { mockupRequest, type MockupState, type PickedImage } from '../../src/playground/request.js';
import { designPlaceholder, mockupTemplate, templateCommand } from '../../src/playground/template.js';

async function picked(name: string, image: Sharp): Promise<PickedImage & { bytes: Buffer }> {
  const bytes = await image.png().toBuffer();
  return { name, base64: bytes.toString('base64'), bytes };
}

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } });

describe('templates', () => {
  it('render, through `superimpose mockup`\'s reading and filling, what the request renders', async () => {
    const base = await picked('photo.png', solid(200, 150, '#c04030'));
    const design = await picked('logo.png', solid(60, 40, '#2050d0'));
    const second = await picked('badge.png', solid(30, 30, '#f0f0f0'));
    const clip = await picked('area.png', sharp({ create: { width: 200, height: 150, channels: 3, background: '#000' } }).composite([{ input: await solid(120, 100, '#fff').png().toBuffer(), left: 40, top: 20 }]));
    const state: MockupState = {
      base,
      layers: [
        { design, quad: [[30, 20], [150, 30], [140, 120], [40, 110]], fit: 'contain', blend_mode: 'multiply', opacity: 0.9, clip, displacement: { kind: 'base', strength: 3, blur: undefined } },
        { design: second, quad: [[10, 10], [50, 10], [50, 50], [10, 50]], fit: 'stretch', blend_mode: 'normal', opacity: 1, clip: undefined, displacement: { kind: 'none' } },
      ],
      image_format: 'png',
      image_quality: 90,
    };
    const template = mockupTemplate(state)!;
    expect(template).toMatchObject({ base_image: 'photo.png', layers: [{ image: '{{design}}', clip: 'area.png' }, { image: '{{design2}}' }] });

    const folder = await mkdtemp(join(tmpdir(), 'playground-template-'));
    for (const image of [base, design, second, clip]) await writeFile(join(folder, image.name), image.bytes);
    await writeFile(join(folder, 'template.json'), JSON.stringify(template));
    const { request } = await readTemplate(join(folder, 'template.json'));
    const fromTemplate = await mockup(fillTemplate(request, { design: join(folder, 'logo.png'), design2: join(folder, 'badge.png') }));
    const direct = await mockup(mockupRequest(state, (image) => image.base64)! as never);
    expect(fromTemplate.data.equals(direct.data)).toBe(true);
    expect(templateCommand(state, 'template.json', 'out.png')).toBe('superimpose mockup template.json --set design=logo.png --set design2=badge.png --out out.png');
    expect(designPlaceholder(2)).toBe('design3');
  });
});

describe('corners', () => {
  it('start as a centred rectangle of the design\'s proportions', () => {
    expect(startingQuad({ width: 1000, height: 500 }, { width: 200, height: 100 })).toEqual([[400, 200], [600, 200], [600, 300], [400, 300]]);
    expect(startingQuad({ width: 1000, height: 1000 }, undefined)).toEqual([[300, 300], [700, 300], [700, 700], [300, 700]]);
  });

  it('move by 1 px with an arrow key, 10 with Shift, and stay on the photo', () => {
    expect(arrowStep('ArrowLeft', false)).toEqual([-1, 0]);
    expect(arrowStep('ArrowDown', true)).toEqual([0, 10]);
    expect(arrowStep('Enter', false)).toBeUndefined();
    const quad = [[0, 0], [10, 0], [10, 10], [0, 10]] as const;
    expect(moveCorner(quad, 2, [50, -4], { width: 20, height: 20 })).toEqual([[0, 0], [10, 0], [20, 0], [0, 10]]);
    expect(describePoint([12.345, 7])).toBe('x 12.35, y 7');
    // A moved corner to 1/100 px; the others kept to the last bit.
    expect(moveCorner([[0.123456, 0], [10, 0], [10, 10], [0, 10]], 2, [5.6789, 4.00001], { width: 20, height: 20 })).toEqual([[0.123456, 0], [10, 0], [5.68, 4], [0, 10]]);
  });
});
