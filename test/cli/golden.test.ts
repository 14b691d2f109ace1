import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editCase, goldenFolderWith, shiftedCopy } from './images.js';
import { run, tmp } from './run.js';

/** A two-case golden folder, copied from the project's own. */
async function folder(): Promise<string> {
  const dir = await tmp();
  await goldenFolderWith(dir, ['rotate-90', 'rotate-180']);
  return dir;
}

describe('superimpose golden verify is exact by default', () => {
  it('fails a case whose expectation changed by one level in one pixel, naming it', async () => {
    const dir = await folder();
    const expected = join(dir, 'expected/rotate-90.png');
    await shiftedCopy(expected, expected, 1, 1);
    const result = await run(['golden', 'verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL rotate-90: 1 of 106800 pixels differ \(0\.001%\), max channel difference 1, mean 0\.0000 \(allowed: exact\); wrote .*rotate-90\.actual\.png, .*rotate-90\.diff\.png$/m);
    expect(result.stdout).toMatch(/^ok {3}rotate-180 \(exact\)$/m);
    expect(result.stdout).toMatch(/1 passed, 1 failed \(1 exact\)/);
  });

  it.each([
    [{ threshold: 0.1 }, /^ok {3}rotate-90: 0 of 106800 pixels differ beyond threshold 0\.1 \(0\.000%\); 1 differs at all/m],
    [{ maxDiffPixels: 1 }, /^ok {3}rotate-90: 1 of 106800 pixels differ/m],
    [{ maxMeanError: 0.001 }, /^ok {3}rotate-90: 1 of 106800 pixels differ/m],
  ])('passes it when the case file carries "tolerance": %j', async (tolerance, line) => {
    const dir = await folder();
    const expected = join(dir, 'expected/rotate-90.png');
    await shiftedCopy(expected, expected, 1, 1);
    await editCase(dir, 'rotate-90', { tolerance });
    const result = await run(['golden', 'verify', dir]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(line);
    expect(result.stdout).toMatch(/2 passed, 0 failed \(1 exact\)/);
  });
});

describe('superimpose golden on a folder that cannot be verified as it is', () => {
  it.each([
    {
      problem: 'no expectations at all',
      spoil: (dir: string) => rm(join(dir, 'expected'), { recursive: true }),
      message: /^superimpose: No expectation (.*)\/expected\/rotate-180\.png \(and 1 more\): render and review them, then create them with superimpose golden update \1\n$/,
    },
    {
      problem: 'one expectation missing',
      spoil: (dir: string) => rm(join(dir, 'expected/rotate-90.png')),
      message: /^superimpose: No expectation (.*)\/expected\/rotate-90\.png: render and review them, then create them with superimpose golden update \1 rotate-90\n$/,
    },
    {
      problem: 'a case file that is not JSON',
      spoil: (dir: string) => writeFile(join(dir, 'cases/rotate-90.json'), '{"base": "inputs/concert.jpg",'),
      message: /^superimpose: .*\/cases\/rotate-90\.json is not valid JSON \(.*\): a case file holds \{"base": .*\}\n$/,
    },
    {
      problem: 'a case without its images',
      spoil: (dir: string) => writeFile(join(dir, 'cases/rotate-90.json'), '{"params": {}}'),
      message: /^superimpose: .*\/cases\/rotate-90\.json needs "base" and "overlay"/,
    },
    {
      problem: 'a bad tolerance',
      spoil: (dir: string) => editCase(dir, 'rotate-90', { tolerance: { threshold: 5 } }),
      message: /^superimpose: .*\/cases\/rotate-90\.json: Expected number between 0 and 1 for "tolerance\.threshold" but received 5\n$/,
    },
    {
      problem: 'no case files',
      spoil: async (dir: string) => {
        await rm(join(dir, 'cases'), { recursive: true });
        await mkdir(join(dir, 'cases'));
      },
      message: /^superimpose: .*\/cases holds no case files: add cases\/NAME\.json as .*, then create the expectations with superimpose golden update /,
    },
  ])('$problem: one line naming the file and what to do (exit 2)', async ({ spoil, message }) => {
    const dir = await folder();
    await spoil(dir);
    const result = await run(['golden', 'verify', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('creates missing expectations with the command the message gives, after which verify passes', async () => {
    const dir = await folder();
    await rm(join(dir, 'expected'), { recursive: true });
    expect(await run(['golden', 'update', dir], { env: { CI: '' } })).toMatchObject({ code: 0, stdout: 'updated rotate-180\nupdated rotate-90\n' });
    expect((await run(['golden', 'verify', dir])).stdout).toMatch(/2 passed, 0 failed \(2 exact\)/);
  });
});
