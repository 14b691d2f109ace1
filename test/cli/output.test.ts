import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readStdin } from '../../src/cli/io.js';
import { outputFormatFor } from '../../src/cli/output.js';

describe('outputFormatFor: the extension decides unless --image-format is given, which must agree', () => {
  it.each([
    { out: 'a.png', requested: {}, format: 'png' },
    { out: 'a.JPG', requested: {}, format: 'jpeg' },
    { out: 'dir.v2/a.webp', requested: {}, format: 'webp' },
    { out: 'a.jpeg', requested: { imageFormat: 'jpeg' }, format: 'jpeg' },
    { out: 'a', requested: {}, format: undefined },
    { out: 'a', requested: { imageFormat: 'webp' }, format: undefined },
    { out: '-', requested: { imageFormat: 'png' }, format: undefined },
    { out: '-', requested: { base64: true }, format: undefined },
    { out: 'a.b64', requested: { base64: true }, format: undefined },
    // Not a format at all: the schema names image_format.
    { out: 'a.png', requested: { imageFormat: 'gif' }, format: 'png' },
  ])('$out $requested -> $format', ({ out, requested, format }) => {
    expect(outputFormatFor(out, requested)).toBe(format);
  });

  it.each([
    { out: 'a.png', requested: { imageFormat: 'jpeg' }, message: /--image-format jpeg contradicts --out a\.png, a png name/ },
    { out: 'a.jpg', requested: { base64: true }, message: /--base64 writes base64 text, not a \.jpg image/ },
    { out: 'a.tiff', requested: {}, message: /Expected --out to end in \.jpg, \.jpeg, \.png or \.webp/ },
  ])('$out $requested is a usage error', ({ out, requested, message }) => {
    expect(() => outputFormatFor(out, requested)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }));
  });

  it("names a batch job's fields instead of flags", () => {
    expect(() => outputFormatFor('a.png', { imageFormat: 'webp' }, { out: '"out"', imageFormat: '"image_format"', base64: '"base64"' })).toThrow(
      '"image_format" webp contradicts "out" a.png, a png name',
    );
  });
});

describe('readStdin', () => {
  it('refuses a terminal instead of waiting on it', async () => {
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    await expect(readStdin('--overlay', terminal)).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(/^--overlay - reads an image from standard input, but nothing is piped in/) });
  });
});
