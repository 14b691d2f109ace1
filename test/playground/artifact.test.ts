import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPlayground } from '../helpers/playground.js';

/** The built page (tools/build-playground.mjs): one file, small, and nothing in it that reaches past the server. */
let html: string;
beforeAll(async () => {
  html = await readFile(await builtPlayground(), 'utf8');
});

describe('the playground page as built', () => {
  it('is at most 250 KB gzipped', () => {
    const gzipped = gzipSync(html, { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(250 * 1024);
  });

  it('names no http(s) URL and loads no file: script and style are inline, the configuration goes in at serve time', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<(?:script|img|iframe)[^>]*\ssrc=|<link\b|@import/i);
    // CSS url(): a font or an image from elsewhere (the script's URL API is spelled in capitals).
    expect(html).not.toMatch(/url\(/);
    expect(html.match(/<!--playground-config-->/g)).toHaveLength(1);
    expect(html).not.toMatch(/<!--playground-(?:style|script)-->/);
  });

  it('holds no framework and no zod: its script is its own', () => {
    expect(html).not.toMatch(/ZodError|zod/);
  });
});
