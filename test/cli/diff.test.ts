import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { shiftedCopy } from './images.js';
import { GOLDEN, run, tmp } from './run.js';

const EXPECTED = join(GOLDEN, 'expected/rotate-90.png'); // 400x267 = 106800 pixels

describe('superimpose diff is exact by default', () => {
  it.each([
    { change: 'one pixel by one level', pixels: 1, levels: 1, summary: /^1 of 106800 pixels differ \(0\.001%\), max channel difference 1, mean 0\.0000$/m },
    { change: '40016 pixels by 6 levels', pixels: 40_016, levels: 6, summary: /^40016 of 106800 pixels differ \(37\.468%\), max channel difference 6, mean 0\.5620$/m },
  ])('exits 1 for $change, and says how many pixels differ', async ({ pixels, levels, summary }) => {
    const changed = join(await tmp(), 'changed.png');
    await shiftedCopy(EXPECTED, changed, pixels, levels);
    const result = await run(['diff', EXPECTED, changed]);
    expect(result).toMatchObject({ code: 1, stderr: '' });
    expect(result.stdout).toMatch(summary);
  });

  it('exits 0 and says 0 pixels differ for identical images', async () => {
    const result = await run(['diff', EXPECTED, EXPECTED]);
    expect(result).toMatchObject({ code: 0, stdout: '0 of 106800 pixels differ (0.000%), max channel difference 0, mean 0.0000\n' });
  });
});

describe('superimpose diff loosened on request', () => {
  it.each([
    { flags: ['--threshold', '0.1'], code: 0, line: /^0 of 106800 pixels differ beyond threshold 0\.1 \(0\.000%\); 40016 differ at all, max channel difference 6, mean 0\.5620; within the tolerance \(no pixel beyond threshold 0\.1\)$/ },
    { flags: ['--threshold', '0.01'], code: 1, line: /^[1-9]\d* of 106800 pixels differ beyond threshold 0\.01 .*; 40016 differ at all/ },
    { flags: ['--max-diff-pixels', '40016'], code: 0, line: /^40016 of 106800 pixels differ .*; within the tolerance \(at most 40016 pixels\)$/ },
    { flags: ['--max-diff-pixels', '40015'], code: 1, line: /^40016 of 106800 pixels differ/ },
    { flags: ['--max-diff-ratio', '0.4'], code: 0, line: /within the tolerance \(at most 40% of pixels\)$/ },
    { flags: ['--max-mean-error', '0.6'], code: 0, line: /within the tolerance \(mean error at most 0\.6\)$/ },
    { flags: ['--max-mean-error', '0.5'], code: 1, line: /mean 0\.5620$/ },
    { flags: ['--max-mean-error', '0.6', '--max-diff-pixels', '10'], code: 1, line: /^40016 of/ },
  ])('$flags: exit $code', async ({ flags, code, line }) => {
    const changed = join(await tmp(), 'changed.png');
    await shiftedCopy(EXPECTED, changed, 40_016, 6);
    const result = await run(['diff', EXPECTED, changed, ...flags]);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stdout.trimEnd()).toMatch(line);
  });

  it.each([
    [['--threshold', '2'], 'superimpose: Expected number between 0 and 1 for --threshold but received 2\n'],
    [['--max-diff-pixels', '1.5'], 'superimpose: Expected integer of at least 0 for --max-diff-pixels but received 1.5\n'],
    [['--max-mean-error', 'lots'], 'superimpose: Expected number between 0 and 255 for --max-mean-error but received "lots"\n'],
    [['--threshhold', '0.1'], 'superimpose: unknown flag --threshhold; did you mean --threshold?\n'],
    [['--max_diff_pixels'], 'superimpose: --max-diff-pixels needs a value: integer of at least 0\n'],
  ])('refuses %j with one line naming the flag (exit 2)', async (flags, stderr) => {
    const result = await run(['diff', EXPECTED, EXPECTED, ...flags]);
    expect(result).toMatchObject({ code: 2, stderr });
  });

  it('draws the counted pixels in red with --diff', async () => {
    const dir = await tmp();
    const changed = join(dir, 'changed.png');
    await shiftedCopy(EXPECTED, changed, 1, 1);
    expect((await run(['diff', EXPECTED, changed, '--diff', join(dir, 'd.png')])).code).toBe(1);
    const { data } = await sharp(join(dir, 'd.png')).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    expect([...data.subarray(4, 7)]).not.toEqual([255, 0, 0]);
  });

  it('refuses a --diff path that names a folder before comparing', async () => {
    const dir = await tmp();
    const result = await run(['diff', EXPECTED, EXPECTED, '--diff', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^superimpose: --diff .* names a folder/);
  });
});
