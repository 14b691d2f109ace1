import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadImageSource } from '../../src/runtime/sources.js';

const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
const library = { allowFiles: true };
const http = { allowFiles: false };

describe('loadImageSource', () => {
  it('passes bytes through', async () => {
    expect(await loadImageSource(new Uint8Array(bytes), 'base_image', library)).toEqual(bytes);
  });

  it('decodes raw base64, with or without line breaks', async () => {
    const text = bytes.toString('base64');
    expect(await loadImageSource(text, 'base_image', http)).toEqual(bytes);
    expect(await loadImageSource(`${text.slice(0, 4)}\n${text.slice(4)}`, 'base_image', http)).toEqual(bytes);
  });

  it('decodes base64 and percent-encoded data: URIs', async () => {
    expect(await loadImageSource(`data:image/png;base64,${bytes.toString('base64')}`, 'mask', http)).toEqual(bytes);
    expect(await loadImageSource('data:text/plain,%41%42', 'mask', http)).toEqual(Buffer.from('AB'));
  });

  it('reads a file path in the library, and never over HTTP', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'superimpose-'));
    const path = join(dir, 'image.png');
    await writeFile(path, bytes);
    expect(await loadImageSource(path, 'overlay_image', library)).toEqual(bytes);
    await expect(loadImageSource(path, 'overlay_image', http)).rejects.toMatchObject({ status: 400, field: 'overlay_image' });
  });

  it.each(['no/such/file.png', 'logo', 'design', 'Qk0x'])('names the missing file %j as "no such file", though it may look like base64', async (path) => {
    await expect(loadImageSource(path, 'base_image', library)).rejects.toMatchObject({
      code: 'unreadable_input',
      field: 'base_image',
      message: `no such file: ${path} (base_image: expected an existing file path, base64, a data: URI or an http(s) URL)`,
    });
  });

  it('names a folder given as an image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'superimpose-'));
    await expect(loadImageSource(dir, 'mask', library)).rejects.toMatchObject({ code: 'unreadable_input', message: `Expected an image file for mask but ${dir} is a folder` });
  });

  // The leading bytes of each format the decoder reads; the rest need not be a whole image.
  it.each([
    ['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
    ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])],
    ['GIF', Buffer.from('GIF89a\x01\x00', 'latin1')],
    ['WebP', Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['TIFF, little-endian', Buffer.from('II*\x00\x08\x00', 'latin1')],
    ['TIFF, big-endian', Buffer.from('MM\x00*\x00\x08', 'latin1')],
    ['AVIF', Buffer.from('\x00\x00\x00\x1cftypavif', 'latin1')],
    ['HEIF', Buffer.from('\x00\x00\x00\x18ftypmif1', 'latin1')],
    ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['XML', Buffer.from('\ufeff  <?xml version="1.0"?><svg/>')],
  ])('takes short base64 of %s in the library, where files are also allowed', async (_format, image) => {
    expect(await loadImageSource(image.toString('base64'), 'overlay_image', library)).toEqual(image);
  });

  it('keeps the server as it was: base64 is decoded whatever it holds, and never taken as a path', async () => {
    expect(await loadImageSource('logo', 'base_image', http)).toEqual(Buffer.from('logo', 'base64'));
    await expect(loadImageSource('no/such/file.png', 'base_image', http)).rejects.toMatchObject({
      code: 'invalid_image',
      message: 'Expected base64, a data: URI or an http(s) URL for base_image but received "no/such/file.png"',
    });
  });

  it('hands http(s) URLs to the loader it is given, and refuses them without one', async () => {
    const seen: string[] = [];
    const loadUrl = async (url: URL, field: string) => {
      seen.push(`${field} ${url.href}`);
      return bytes;
    };
    expect(await loadImageSource('https://example.test/a.png', 'base_image', { ...http, loadUrl })).toEqual(bytes);
    expect(seen).toEqual(['base_image https://example.test/a.png']);
    await expect(loadImageSource('http://example.test/a.png', 'base_image', http)).rejects.toMatchObject({ code: 'unsupported_input', status: 400 });
  });

  it('refuses file: and other schemes', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.test/x.png', 'gopher://x/']) {
      await expect(loadImageSource(url, 'mask', { ...library, loadUrl: async () => bytes })).rejects.toMatchObject({ code: 'unsupported_input', field: 'mask' });
    }
  });
});
