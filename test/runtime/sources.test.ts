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

  it('names a missing file as unreadable input', async () => {
    await expect(loadImageSource('no/such/file.png', 'base_image', library)).rejects.toMatchObject({
      code: 'unreadable_input',
      message: expect.stringMatching(/file path.*base_image/),
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
