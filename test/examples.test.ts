import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { examples, renderExample, resultPath } from './helpers/examples.js';

const pixels = async (image: Buffer) => sharp(image).raw().toBuffer();

describe('examples/', () => {
  it.each(examples().map((example) => [example.name, example] as const))('%s/result.jpg is what its template renders (tools/examples/render.ts)', async (_name, example) => {
    const rendered = await renderExample(example);
    expect(rendered.info.format).toBe('jpeg');
    expect((await pixels(rendered.data)).equals(await pixels(readFileSync(resultPath(example))))).toBe(true);
  });
});
