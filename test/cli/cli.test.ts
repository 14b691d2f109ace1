import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compareToExpectation } from '../../src/golden/compare.js';
import { goldenFolderWith } from './images.js';
import { GOLDEN, input, run, tmp } from './run.js';

describe('superimpose compose', () => {
  it('reproduces the rotate-30-bilinear reference case', async () => {
    const out = join(await tmp(), 'rotated.png');
    const result = await run([
      'compose', '--base', input('flowers.jpeg'), '--overlay', input('Flag_of_the_Netherlands-alpha.png'),
      '--rescale-factor', '0.5', '--resize-method', 'bilinear', '--rotation', '30', '--x-offset', '200', '--y-offset', '100', '--out', out,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const comparison = await compareToExpectation(out, join(GOLDEN, 'expected/rotate-30-bilinear.png'));
    expect(comparison).toMatchObject({ kind: 'compared', maxError: 0 });
  });

  it('reads an input from stdin and writes to stdout, the format from --image-format, as the built bin', async () => {
    const { readFile } = await import('node:fs/promises');
    const result = await run(['compose', '--base', input('concert.jpg'), '--overlay', '-', '--image-format', 'webp', '--out', '-'], { stdin: await readFile(input('swiss.png')), bin: true });
    expect(result.code).toBe(0);
    expect((await sharp(result.bytes).metadata()).format).toBe('webp');
  });

  it('takes the format from the output extension', async () => {
    const out = join(await tmp(), 'out.webp');
    expect((await run(['compose', '--base', input('concert.jpg'), '--overlay', input('swiss.png'), '--out', out])).code).toBe(0);
    expect((await sharp(out).metadata()).format).toBe('webp');
  });

  it('exits 2 naming a bad parameter, in one line without a stack trace, as the built bin', async () => {
    const result = await run(['compose', '--base', input('concert.jpg'), '--overlay', input('swiss.png'), '--rotation', '999', '--out', 'x.png'], { bin: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('superimpose: Expected integer between 0 and 360 for rotation but received 999\n');
  });

  it('exits 2 for an unknown flag or command', async () => {
    expect((await run(['compose', '--bogus', '1'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('exits 3 for an unreadable or undecodable input', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'broken.png'), 'not really a png');
    const missing = await run(['compose', '--base', join(dir, 'missing.jpg'), '--overlay', input('swiss.png'), '--out', join(dir, 'o.png')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^superimpose: .*base_image.*\n$/);
    const broken = await run(['compose', '--base', input('concert.jpg'), '--overlay', join(dir, 'broken.png'), '--out', join(dir, 'o.png')]);
    expect(broken.code).toBe(3);
    expect(broken.stderr.split('\n')).toHaveLength(2);
  });

  it('adds detail with --verbose', async () => {
    const result = await run(['compose', '--verbose', '--base', input('concert.jpg'), '--overlay', '/no/such.png', '--out', 'x.png']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe('superimpose diff', () => {
  it('exits 0 for identical images and 1 with the count and percentage when they differ', async () => {
    const same = await run(['diff', join(GOLDEN, 'expected/rotate-90.png'), join(GOLDEN, 'expected/rotate-90.png')]);
    expect(same.code).toBe(0);
    const dir = await tmp();
    const different = await run(['diff', join(GOLDEN, 'expected/rotate-90.png'), join(GOLDEN, 'expected/rotate-180.png'), '--diff', join(dir, 'd.png')]);
    expect(different.code).toBe(1);
    expect(different.stdout).toMatch(/^\d+ of 106800 pixels differ \(\d+\.\d{3}%\)/);
    expect((await sharp(join(dir, 'd.png')).metadata()).width).toBe(400);
  });

  it('exits 1 saying so when the sizes differ', async () => {
    const result = await run(['diff', join(GOLDEN, 'expected/rotate-90.png'), join(GOLDEN, 'expected/mask-soft.png')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/sizes differ: .* is 400x267, .* is 1920x1080/);
  });
});

describe('superimpose batch', () => {
  it('writes the good jobs, names the failed one, and exits 1', async () => {
    const dir = await tmp();
    await cp(input('concert.jpg'), join(dir, 'shirt.jpg'));
    await cp(input('swiss.png'), join(dir, 'logo.png'));
    const jobs = [
      { base_image: 'shirt.jpg', overlay_image: 'logo.png', rescale_factor: 0.5, out: 'one.jpg' },
      { base_image: 'shirt.jpg', overlay_image: 'missing-logo.png', out: 'two.png' },
      { base_image: 'shirt.jpg', overlay_image: 'logo.png', rotation: 45, out: 'nested/three.png' },
    ];
    await writeFile(join(dir, 'jobs.json'), JSON.stringify(jobs));
    const outDir = join(dir, 'out');
    const result = await run(['batch', join(dir, 'jobs.json'), '--out-dir', outDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2 written');
    expect(result.stdout).toMatch(/job 2 \(two\.png\): .*overlay_image/);
    expect((await readdir(outDir)).sort()).toEqual(['nested', 'one.jpg']);
    expect((await sharp(join(outDir, 'nested/three.png')).metadata()).format).toBe('png');
    // Not a TTY: plain progress lines.
    expect(result.stderr).toMatch(/\[3\/3\]/);
  });

  it('refuses an out name that leaves the output folder', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'jobs.json'), JSON.stringify([{ base_image: 'a', overlay_image: 'b', out: '../escape.png' }]));
    const result = await run(['batch', join(dir, 'jobs.json'), '--out-dir', join(dir, 'out')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/inside --out-dir/);
  });
});

describe('superimpose golden', () => {
  it("passes on the project's golden folder", async () => {
    const result = await run(['golden', 'verify', GOLDEN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^(\d+) passed, 0 failed \(\1 exact\)$/m);
  });

  it('names a tampered case with its figures and writes the diff beside it', async () => {
    const dir = await tmp();
    await goldenFolderWith(dir, ['partly-outside', 'rotate-90']);
    const expected = join(dir, 'expected/partly-outside.png');
    const { data, info } = await sharp(expected).raw().toBuffer({ resolveWithObject: true });
    data.fill(0, 0, data.length / 4); // blacken the top quarter
    await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png().toFile(expected);
    const result = await run(['golden', 'verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL partly-outside: \d+ of \d+ pixels differ \(\d+\.\d{3}%\), max channel difference \d+, mean \d+\.\d{4} \(allowed: exact\)/);
    expect(result.stdout).toMatch(/1 passed, 1 failed/);
    expect((await readdir(join(dir, 'failures'))).sort()).toEqual(['partly-outside.actual.png', 'partly-outside.diff.png']);
  });

  it('updates expectations, and refuses to when CI is set', async () => {
    const dir = await tmp();
    await goldenFolderWith(dir, ['rotate-90']);
    const refused = await run(['golden', 'update', dir, 'rotate-90'], { env: { CI: 'true' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/CI/);
    const updated = await run(['golden', 'update', dir, 'rotate-90'], { env: { CI: '' } });
    expect(updated).toMatchObject({ code: 0, stdout: 'updated rotate-90\n' });
  });
});

describe('help', () => {
  it('shows commands and examples, and per-command help derived from the parameter table', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Examples:/);
    const compose = await run(['compose', '--help']);
    expect(compose.stdout).toMatch(/--rescale-factor\s+number between 0 and 16 \(default 1\)/);
    expect(compose.stdout).toMatch(/--x-offset/);
    expect(compose.stdout).toMatch(/Examples:/);
  });
});
