import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fieldOfError, splitField } from '../../src/playground/errors.js';
import { mockupRequest, superimposeRequest, type MockupState } from '../../src/playground/request.js';
import { commentSafe, curlSnippet, fromFile, javascriptSnippet, outputName, pythonSnippet, shellQuote } from '../../src/playground/snippets.js';
import { templateCommand } from '../../src/playground/template.js';

const state: MockupState = {
  base: { name: 'photo.jpg', base64: 'UEhPVE8=' },
  layers: [
    {
      design: { name: "it's.png", base64: 'REVTSUdO' },
      quad: [[10.123, 20], [110, 20], [110, 80], [10, 80]],
      fit: 'cover',
      blend_mode: 'multiply',
      opacity: 0.5,
      clip: { name: 'print area.png', base64: 'Q0xJUA==' },
      displacement: { kind: 'base', strength: 7, blur: undefined },
    },
  ],
  image_format: 'png',
  image_quality: 90,
};
const target = { url: 'http://127.0.0.1:8080/v1/mockup', keyRequired: false, output: 'mockup.png', stem: 'mockup' };

describe('requests', () => {
  it('are the API\'s JSON: raw base64, corners as held, a displacement\'s blur only when given', () => {
    expect(mockupRequest(state, (picked) => picked.base64)).toEqual({
      base_image: 'UEhPVE8=',
      layers: [{ image: 'REVTSUdO', quad: [[10.123, 20], [110, 20], [110, 80], [10, 80]], fit: 'cover', blend_mode: 'multiply', opacity: 0.5, clip: 'Q0xJUA==', displacement: { map: 'base', strength: 7 } }],
      image_format: 'png',
      image_quality: 90,
    });
  });

  it('are not made until every image is picked', () => {
    expect(mockupRequest({ ...state, base: undefined }, fromFile)).toBeUndefined();
    expect(mockupRequest({ ...state, layers: [{ ...state.layers[0]!, design: undefined }] }, fromFile)).toBeUndefined();
    expect(mockupRequest({ ...state, layers: [{ ...state.layers[0]!, displacement: { kind: 'map', map: undefined, strength: 1, blur: undefined } }] }, fromFile)).toBeUndefined();
    expect(superimposeRequest({ base_image: { name: 'a.jpg', base64: 'QQ==' } }, ['base_image', 'overlay_image'], fromFile)).toBeUndefined();
    expect(superimposeRequest({ base_image: { name: 'a.jpg', base64: 'QQ==' }, overlay_image: { name: 'b.png', base64: 'Qg==' }, opacity: 0.5, rotation: undefined }, ['base_image', 'overlay_image'], fromFile)).toEqual({
      base_image: { file: 'a.jpg' },
      overlay_image: { file: 'b.png' },
      opacity: 0.5,
    });
  });
});

describe('snippets', () => {
  const tree = mockupRequest(state, fromFile)!;

  it('curl: the body printed piece by piece, each image by base64 from its file, names quoted for the shell', () => {
    const code = curlSnippet(tree, target);
    expect(code).toContain(`  base64 -w0 'photo.jpg'\n`);
    expect(code).toContain(`  base64 -w0 'it'\\''s.png'\n`);
    expect(code).toContain(`  base64 -w0 'print area.png'\n`);
    expect(code).toContain(`} | curl -sS --fail-with-body -X POST 'http://127.0.0.1:8080/v1/mockup' -H 'content-type: application/json' --data-binary @- -o 'mockup.png'`);
    expect(code).not.toContain('x-api-key');
    // The pieces put together, with the files' base64 where they go, are the request.
    const files: Record<string, string> = { 'photo.jpg': 'UEhPVE8=', "it's.png": 'REVTSUdO', 'print area.png': 'Q0xJUA==' };
    const printed = [...code.matchAll(/^ {2}(?:printf '%s' ('(?:[^']|'\\'')*')|base64 -w0 ('(?:[^']|'\\'')*'))$/gm)]
      .map(([, text, file]) => (text !== undefined ? unquote(text) : files[unquote(file!)]))
      .join('');
    expect(JSON.parse(printed)).toEqual(mockupRequest(state, (picked) => picked.base64));
  });

  it('read the key from API_KEY when the server asks for one, never holding it', () => {
    const keyed = { ...target, keyRequired: true };
    expect(curlSnippet(tree, keyed)).toContain(`-H "x-api-key: $API_KEY"`);
    expect(pythonSnippet(tree, keyed)).toContain(`headers={"x-api-key": os.environ["API_KEY"]}`);
    expect(javascriptSnippet(tree, keyed)).toContain(`'x-api-key': process.env.API_KEY`);
  });

  it('Python: requests, images read with open(...).read(), Python\'s literals', () => {
    const code = pythonSnippet({ ...tree, base64: false }, target);
    expect(code).toContain('import requests');
    expect(code).toContain('with open(path, "rb") as f:');
    expect(code).toContain(`"base_image": b64("photo.jpg"),`);
    expect(code).toContain(`"quad": [[10.123, 20], [110, 20], [110, 80], [10, 80]],`);
    expect(code).toContain(`"base64": False,`);
    expect(code).toContain(`requests.post("http://127.0.0.1:8080/v1/mockup", json=request, headers={}, timeout=120)`);
    expect(code).toContain(`with open("mockup.png", "wb") as f:`);
  });

  it('JavaScript: fetch in Node, images read with fs.readFileSync', () => {
    const code = javascriptSnippet(tree, target);
    expect(code).toContain(`const b64 = (path) => fs.readFileSync(path).toString('base64');`);
    expect(code).toContain(`base_image: b64("photo.jpg"),`);
    expect(code).toContain(`clip: b64("print area.png"),`);
    expect(code).toContain(`await fetch("http://127.0.0.1:8080/v1/mockup", {`);
    expect(code).toContain(`fs.writeFileSync("mockup.png", Buffer.from(await response.arrayBuffer()));`);
  });

  it('Python: a number JSON cannot hold (a cleared field) and null are None, so the script still runs', async () => {
    const code = pythonSnippet({ ...tree, image_quality: Number.NaN, rotation: Number.POSITIVE_INFINITY }, target);
    expect(code).toContain(`"image_quality": None,`);
    expect(code).toContain(`"rotation": None,`);
    expect(code).not.toMatch(/\bnull\b/);
    expect(javascriptSnippet({ ...tree, image_quality: Number.NaN }, target)).toContain('image_quality: null,');
    // Python's own compiler takes it.
    await promisify(execFile)('python3', ['-c', 'import sys; compile(sys.argv[1], "mockup.py", "exec")', code]);
  });

  it('say the file each script is saved as: mockup.py, superimpose.py', () => {
    expect(pythonSnippet(tree, target).split('\n')[0]).toContain('python3 mockup.py');
    const superimpose = { ...target, url: 'http://127.0.0.1:8080/v1/superimpose', stem: 'superimpose' };
    expect(pythonSnippet(tree, superimpose).split('\n')[0]).toMatch(/Save as superimpose\.py .*: python3 superimpose\.py /);
    expect(pythonSnippet(tree, superimpose)).not.toContain('mockup.py');
    expect(javascriptSnippet(tree, superimpose).split('\n')[0]).toContain('node superimpose.mjs');
  });

  it('keep a file name with a newline or $(…) inside its comment and its quotes: nothing of it runs', async () => {
    const evil = 'x\ntouch pwned-$(echo curl)\r.png';
    const named = mockupRequest({ ...state, base: { name: evil, base64: 'UEhPVE8=' } }, fromFile)!;
    expect(commentSafe(evil)).toBe('x\uFFFDtouch pwned-$(echo curl)\uFFFD.png');
    for (const code of [curlSnippet(named, target), pythonSnippet(named, target), javascriptSnippet(named, target)]) {
      for (const line of code.split('\n').filter((l) => /^\s*(#|\/\/)/.test(l))) expect(line).not.toMatch(/[\r\u0000-\u001f]|^touch/);
    }
    const curl = curlSnippet(named, target);
    expect(curl).toContain('# Run in the folder that holds photo.jpg'.replace('photo.jpg', commentSafe(evil)));
    // Run with bash (curl stubbed out): no file pwned-* appears, the name is read as one word.
    const folder = await mkdtemp(join(tmpdir(), 'snippet-names-'));
    for (const name of [evil, "it's.png", 'print area.png']) await writeFile(join(folder, name), 'x');
    await writeFile(join(folder, 'curl'), '#!/bin/sh\ncat > /dev/null\n', { mode: 0o755 });
    await promisify(execFile)('bash', ['-c', curl], { cwd: folder, env: { ...process.env, PATH: `${folder}:${process.env['PATH'] ?? ''}` } });
    expect((await readdir(folder)).filter((name) => name.startsWith('pwned'))).toEqual([]);
  });

  it('template commands quote a name the shell would split or run', () => {
    const layer = state.layers[0]!;
    const withName = (name: string) => ({ ...state, layers: [{ ...layer, design: { name, base64: 'QQ==' } }] });
    expect(templateCommand(withName('logo.png'), 'template.json', 'out.png')).toBe('superimpose mockup template.json --set design=logo.png --out out.png');
    expect(templateCommand(withName('a\n$(rm -rf x).png'), 'template.json', 'out.png')).toBe(`superimpose mockup template.json --set 'design=a\n$(rm -rf x).png' --out out.png`);
    expect(templateCommand(withName("it's.png"), 'template.json', 'out.png')).toBe(`superimpose mockup template.json --set 'design=it'\\''s.png' --out out.png`);
  });

  it('name the output after the format, or .json for a base64 answer', () => {
    expect(outputName('mockup', 'jpeg', false)).toBe('mockup.jpg');
    expect(outputName('mockup', 'webp', undefined)).toBe('mockup.webp');
    expect(outputName('superimpose', 'png', true)).toBe('superimpose.json');
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describe('server errors', () => {
  it('name their field', () => {
    expect(fieldOfError('Expected number between 0 and 1 for layers[0].opacity but received 5')).toBe('layers[0].opacity');
    expect(fieldOfError('Expected a strictly convex quad (no three corners on one line) for layers[1].quad but received [[0,0]]')).toBe('layers[1].quad');
    expect(fieldOfError('Expected number between 0 and 1 for opacity but received 5')).toBe('opacity');
    expect(fieldOfError('Unknown field "layers[0].colour": expected only image, quad')).toBe('layers[0].colour');
    expect(fieldOfError('Internal server error')).toBeUndefined();
    expect(splitField('layers[2].displacement.blur')).toEqual({ layer: 2, field: 'displacement.blur' });
    expect(splitField('layers[0]')).toEqual({ layer: 0, field: 'image' });
    expect(splitField('image_quality')).toEqual({ layer: undefined, field: 'image_quality' });
  });
});

function unquote(word: string): string {
  return word.slice(1, -1).replace(/'\\''/g, "'");
}
