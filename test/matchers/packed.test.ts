import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JEST_ESM_PROJECT, JEST_GLOBALS_TYPES_PROJECT, JEST_PROJECT, VITEST_PROJECT, type Project } from './projects.js';

/**
 * The packed package in fresh projects, on vitest and on jest (CommonJS and
 * ES modules), through the runners themselves as child processes. Offline: the tarball's
 * files go into the projects' node_modules as npm would put them, and its
 * dependencies (and the runners) are this repository's installed copies.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODULES = join(ROOT, 'node_modules');
const run = promisify(execFile);

const RUNNERS = [
  { runner: 'vitest', project: VITEST_PROJECT, entry: join(MODULES, 'vitest/vitest.mjs') },
  { runner: 'jest', project: JEST_PROJECT, entry: join(MODULES, 'jest/bin/jest.js') },
  { runner: 'jest-esm', project: JEST_ESM_PROJECT, entry: join(MODULES, 'jest/bin/jest.js') },
] as const;

/** What the projects need besides the package's own dependencies: the runners' modules they import, and Node's types. */
const TOOLS = ['vitest', '@jest/globals', 'expect', '@types/node', '@types/jest'];

// The child runners see neither this run's runner nor its CI, update or golden settings.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|JEST_|CI$|UPDATE_GOLDEN$|GOLDEN_OPTIONS$|PICTURE$|NODE_OPTIONS$|FORCE_COLOR$)/.test(key)));

let dir: string;
const pictures = { a: '', b: '' };

function link(name: string): void {
  const path = join(dir, 'node_modules', name);
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(join(MODULES, name), path, 'dir');
}

function writeProject(name: string, project: Project): string {
  const folder = join(dir, name);
  for (const [file, text] of Object.entries(project.files)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), text);
  }
  return folder;
}

async function picture(changes: readonly (readonly [number, number, number])[]): Promise<Buffer> {
  const data = Buffer.alloc(24 * 16 * 4);
  for (let p = 0; p < 24 * 16; p++) data.set([(p * 7) % 256, 120, 40, 255], p * 4);
  for (const [pixel, channel, levels] of changes) data[pixel * 4 + channel] = data[pixel * 4 + channel]! + levels;
  return sharp(data, { raw: { width: 24, height: 16, channels: 4 } }).png().toBuffer();
}

const rgba = (image: Buffer | string) => sharp(image).ensureAlpha().raw().toBuffer();

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/matchers/index.cjs'))) throw new Error('dist/ has no matchers: run `npm run build` first');
  dir = mkdtempSync(join(tmpdir(), 'golden-packed-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const installed = join(dir, 'node_modules', 'superimpose-local');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(dir, packed!.filename), '-C', installed, '--strip-components=1']);
  const { dependencies } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [...Object.keys(dependencies), ...TOOLS]) link(name);
  pictures.a = join(dir, 'a.png');
  pictures.b = join(dir, 'b.png');
  writeFileSync(pictures.a, await picture([]));
  // One level of one channel of one pixel.
  writeFileSync(pictures.b, await picture([[37, 1, 1]]));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('the packed matchers', () => {
  it.each([...RUNNERS, { runner: 'jest-types-jest', project: JEST_GLOBALS_TYPES_PROJECT }])('type-check in a fresh $runner project', async ({ runner, project }) => {
    const folder = writeProject(`${runner}-types`, project);
    await expect(run(process.execPath, [join(MODULES, 'typescript/bin/tsc'), '-p', join(folder, 'tsconfig.json')], { cwd: folder })).resolves.toMatchObject({ stdout: '' });
  });

  it.each(RUNNERS)('keep goldens in a fresh $runner project', async ({ runner, project, entry }) => {
    const folder = writeProject(runner, project);
    const golden = join(folder, '__goldens__', 'picture.png');
    const results = join(folder, '__goldens__', '__results__');
    const cache = runner.startsWith('jest') ? ['--cacheDirectory', join(dir, 'jest-cache')] : [];
    const step = async (image: string, env: Record<string, string> = {}, args: readonly string[] = []) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [entry, ...project.args, ...cache, ...args], { cwd: folder, env: { ...ENV, ...project.env, NO_COLOR: '1', PICTURE: image, ...env } });
        return { passed: true, output: stdout + stderr };
      } catch (error) {
        const { stdout, stderr } = error as { stdout: string; stderr: string };
        return { passed: false, output: stdout + stderr };
      }
    };
    const passes = async (...args: Parameters<typeof step>) => {
      const outcome = await step(...args);
      expect(outcome.passed, outcome.output).toBe(true);
      return outcome;
    };

    // First run: the golden is written, the test passes; then it matches.
    await passes(pictures.a);
    expect(await rgba(golden)).toEqual(await rgba(pictures.a));
    await passes(pictures.a);

    // One level of one pixel fails, naming the files it wrote.
    const failed = await step(pictures.b);
    expect(failed.passed, failed.output).toBe(false);
    expect(failed.output).toContain('1 of 384 pixels differ');
    for (const file of ['picture.actual.png', 'picture.diff.png']) {
      expect(failed.output).toContain(join(results, file));
      expect(existsSync(join(results, file))).toBe(true);
    }
    await passes(pictures.b, { GOLDEN_OPTIONS: JSON.stringify({ maxDiffPixels: 1 }) });

    // UPDATE_GOLDEN=1 rewrites, and the changed image then matches; so does the runner's -u.
    await passes(pictures.b, { UPDATE_GOLDEN: '1' });
    expect(await rgba(golden)).toEqual(await rgba(pictures.b));
    await passes(pictures.b);
    await passes(pictures.a, {}, ['-u']);
    expect(await rgba(golden)).toEqual(await rgba(pictures.a));

    // Under CI a missing golden fails, and an update is refused.
    rmSync(golden);
    const missing = await step(pictures.a, { CI: '1' });
    expect(missing.passed, missing.output).toBe(false);
    expect(missing.output).toContain(`missing golden ${golden}`);
    expect(existsSync(golden)).toBe(false);
    const refused = await step(pictures.a, { CI: '1', UPDATE_GOLDEN: '1' });
    expect(refused.passed, refused.output).toBe(false);
    expect(refused.output).toContain('because CI is set');
  });
});
