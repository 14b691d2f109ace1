import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { superimpose } from '../../src/library/superimpose.js';
import { input, run, tmp } from './run.js';

const BASE = input('concert.jpg');
const OVERLAY = input('swiss.png');
const compose = (...args: string[]) => run(['compose', '--base', BASE, '--overlay', OVERLAY, ...args]);

describe('compose: numeric flags take negative values', () => {
  it.each([
    [['--x-offset', '-50', '--y-offset', '-20']],
    [['--x-offset=-50', '--y-offset=-20']],
    [['--x_offset', '-50', '--y_offset=-20']],
  ])('%j renders as x_offset -50, y_offset -20', async (flags) => {
    const expected = await superimpose({ base_image: BASE, overlay_image: OVERLAY, x_offset: -50, y_offset: -20, image_format: 'png' });
    const result = await compose(...flags, '--image-format', 'png', '--out', '-');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.bytes.equals(expected.data)).toBe(true);
  });

  it('still refuses a negative value outside the range, naming the parameter', async () => {
    const result = await compose('--rotation', '-5', '--out', '-');
    expect(result).toMatchObject({ code: 2, stderr: 'superimpose: Expected integer between 0 and 360 for rotation but received -5\n' });
  });
});

describe("compose: the API's snake_case names, and did-you-mean for unknown flags", () => {
  it.each([
    [['--rescale_factor', '0.5', '--resize_method', 'bilinear']],
    [['--rescale-factor', '0.5', '--resize-method', 'bilinear']],
  ])('%j is the same request', async (flags) => {
    const expected = await superimpose({ base_image: BASE, overlay_image: OVERLAY, rescale_factor: 0.5, resize_method: 'bilinear', image_format: 'png' });
    const result = await compose(...flags, '--image-format', 'png', '--out', '-');
    expect(result.code, result.stderr).toBe(0);
    expect(result.bytes.equals(expected.data)).toBe(true);
  });

  it('takes --base_image and --overlay_image for --base and --overlay', async () => {
    const result = await run(['compose', '--base_image', BASE, '--overlay-image', OVERLAY, '--out', '-']);
    expect(result.code, result.stderr).toBe(0);
  });

  it.each([
    ['--rescale-facter', 'unknown flag --rescale-facter; did you mean --rescale-factor?'],
    ['--rescale', 'unknown flag --rescale; did you mean --rescale-factor?'],
    ['--offset-x', 'unknown flag --offset-x; did you mean --x-offset?'],
    ['--format', 'unknown flag --format; did you mean --image-format?'],
    ['--opacty', 'unknown flag --opacty; did you mean --opacity?'],
    ['--output', 'unknown flag --output; did you mean --out?'],
    ['--bogus', 'unknown flag --bogus; compose takes --base, --overlay, --mask, --rescale-factor, --resize-method, --overlay-resize, --opacity, --width, --height, --x-offset, --y-offset, --rotation, --base64, --image-format, --image-quality, --out (superimpose compose --help)'],
  ])('%s: exit 2 with one line', async (flag, message) => {
    const result = await compose(flag, '1', '--out', '-');
    expect(result).toMatchObject({ code: 2, stderr: `superimpose: ${message}\n` });
  });

  it('suggests the command meant', async () => {
    expect(await run(['compse'])).toMatchObject({ code: 2, stderr: 'superimpose: unknown command compse; did you mean compose? (superimpose --help)\n' });
  });
});

describe('compose: a flag without its value', () => {
  it.each([
    [['--out'], '--out needs a value: a file name, or - for standard output'],
    [['--x-offset', '--out', '-'], '--x-offset needs a value: integer between -1000000000 and 1000000000'],
    [['--out', '-', '--image-format'], '--image-format needs a value: one of "jpeg", "png", "webp"'],
    [['--out', '-', '--base64=yes'], '--base64 takes no value but received --base64=yes'],
  ])('%j: exit 2 with one line naming the flag', async (flags, message) => {
    expect(await compose(...flags)).toMatchObject({ code: 2, stderr: `superimpose: ${message}\n` });
  });
});

describe('compose: output format against the file name', () => {
  it.each([
    { out: 'result.png', flags: [], format: 'png' },
    { out: 'result.webp', flags: [], format: 'webp' },
    { out: 'result.JPEG', flags: [], format: 'jpeg' },
    { out: 'result', flags: [], format: 'jpeg' },
    { out: 'result', flags: ['--image-format', 'png'], format: 'png' },
    { out: 'result.png', flags: ['--image-format', 'png'], format: 'png' },
  ])('--out $out $flags writes $format', async ({ out, flags, format }) => {
    const path = join(await tmp(), out);
    const result = await compose(...flags, '--out', path);
    expect(result.code, result.stderr).toBe(0);
    expect((await sharp(path).metadata()).format).toBe(format);
  });

  it.each([
    { flags: ['--base64'], out: 'result.b64', format: 'jpeg' },
    { flags: ['--base64', '--image-format', 'png'], out: 'result.txt', format: 'png' },
    { flags: ['--base64', '--image-format', 'webp'], out: '-', format: 'webp' },
  ])('$flags --out $out writes base64 text of a $format image', async ({ flags, out, format }) => {
    const path = out === '-' ? out : join(await tmp(), out);
    const result = await compose(...flags, '--out', path);
    expect(result.code, result.stderr).toBe(0);
    const text = out === '-' ? result.stdout : await readFile(path, 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*\n$/);
    expect((await sharp(Buffer.from(text, 'base64')).metadata()).format).toBe(format);
  });

  it.each([
    { flags: ['--image-format', 'png'], out: 'result.jpg', message: '--image-format png contradicts --out DIR/result.jpg, a jpeg name: drop one of them or make them agree' },
    { flags: ['--image-format', 'jpeg'], out: 'result.webp', message: '--image-format jpeg contradicts --out DIR/result.webp, a webp name: drop one of them or make them agree' },
    { flags: ['--base64'], out: 'result.jpg', message: '--base64 writes base64 text, not a .jpg image, but --out is DIR/result.jpg: name a text file (.txt, .b64), write to standard output (--out -), or drop --base64' },
    { flags: ['--base64', '--image-format', 'png'], out: 'result.png', message: '--base64 writes base64 text, not a .png image, but --out is DIR/result.png: name a text file (.txt, .b64), write to standard output (--out -), or drop --base64' },
    { flags: [], out: 'result.gif', message: 'Expected --out to end in .jpg, .jpeg, .png or .webp (or --base64 for a text file) but received DIR/result.gif' },
  ])('$flags --out $out: exit 2, nothing written', async ({ flags, out, message }) => {
    const dir = await tmp();
    const result = await compose(...flags, '--out', join(dir, out));
    expect(result).toMatchObject({ code: 2, stderr: `superimpose: ${message.replace('DIR', dir)}\n` });
    expect(await readdir(dir)).toEqual([]);
  });

  it('states the rule in --help', async () => {
    const help = (await run(['compose', '--help'])).stdout;
    expect(help).toMatch(/without --image-format, OUT's extension decides/);
    expect(help).toMatch(/An --image-format that contradicts\s+the extension is refused/);
    expect(help).toMatch(/--base64 writes base64 text,\s+so it goes to standard output or a text file/);
    expect(help).toMatch(/a folder, or a file in a\s+folder that does not exist, is refused/);
  });
});

describe('compose: input paths', () => {
  it.each(['logo', 'design', 'logos/acme', 'my logo'])('reports the missing file %j as no such file (exit 3)', async (name) => {
    const result = await run(['compose', '--base', name, '--overlay', OVERLAY, '--out', '-'], { cwd: await tmp() });
    expect(result).toMatchObject({ code: 3, stderr: `superimpose: no such file: ${name} (base_image: expected an existing file path, base64, a data: URI or an http(s) URL)\n` });
  });

  it.each([
    ['a small PNG', 'swiss.png'],
    ['a JPEG longer than any path', 'concert.jpg'],
  ])('still takes real base64: %s', async (_what, name) => {
    const encoded = (await readFile(input(name))).toString('base64');
    const result = await run(['compose', '--base', BASE, '--overlay', encoded, '--out', '-']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('names a folder given as an input (exit 3)', async () => {
    const dir = await tmp();
    const result = await run(['compose', '--base', dir, '--overlay', OVERLAY, '--out', '-']);
    expect(result).toMatchObject({ code: 3, stderr: `superimpose: Expected an image file for base_image but ${dir} is a folder\n` });
  });

  it('says standard input was empty when - reads nothing (exit 3)', async () => {
    const result = await compose('--mask', '-', '--out', '-');
    expect(result).toMatchObject({ code: 3, stderr: 'superimpose: --mask - reads an image from standard input, but standard input was empty: cat logo.png | superimpose compose … --mask -\n' });
  });

  it('refuses a second - (exit 2)', async () => {
    const result = await run(['compose', '--base', '-', '--overlay', '-', '--out', '-'], { stdin: await readFile(OVERLAY) });
    expect(result).toMatchObject({ code: 2, stderr: 'superimpose: Only one input can be read from standard input, but --overlay is - as well\n' });
  });
});

describe('compose: --out that is no file name', () => {
  it.each([
    { what: 'an existing folder', out: (dir: string) => dir, message: (dir: string) => `--out ${dir} names a folder: name the file to write inside it, such as ${dir}/mockup.jpg` },
    { what: 'a path ending in /', out: (dir: string) => `${dir}/some/dir/`, message: (dir: string) => `--out ${dir}/some/dir/ names a folder: name the file to write inside it, such as ${dir}/some/dir/mockup.jpg` },
    { what: 'a file in a missing folder', out: (dir: string) => `${dir}/missing/mockup.jpg`, message: (dir: string) => `--out ${dir}/missing/mockup.jpg: the folder ${dir}/missing does not exist` },
  ])('$what: exit 2 saying what is wrong, before rendering', async ({ out, message }) => {
    const dir = await tmp();
    const result = await compose('--out', out(dir));
    expect(result).toMatchObject({ code: 2, stderr: `superimpose: ${message(dir)}\n` });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('batch: the same output rule per job', () => {
  it('writes base64 text for a base64 job, and fails a job whose format contradicts its name', async () => {
    const dir = await tmp();
    const jobs = [
      { base_image: BASE, overlay_image: OVERLAY, image_format: 'png', base64: true, out: 'a.b64' },
      { base_image: BASE, overlay_image: OVERLAY, image_format: 'png', out: 'b.jpg' },
      { base_image: BASE, overlay_image: OVERLAY, x_offset: -50, out: 'c.webp' },
    ];
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const result = await run(['batch', join(dir, 'jobs.json'), '--out-dir', join(dir, 'out')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('job 2 (b.jpg): "image_format" png contradicts "out" ');
    expect((await sharp(Buffer.from(await readFile(join(dir, 'out/a.b64'), 'utf8'), 'base64')).metadata()).format).toBe('png');
    expect((await sharp(join(dir, 'out/c.webp')).metadata()).format).toBe('webp');
  });

  it('names a flag without its value', async () => {
    expect(await run(['batch', 'jobs.json', '--out-dir'])).toMatchObject({ code: 2, stderr: 'superimpose: --out-dir needs a value: the folder to write into\n' });
  });
});
