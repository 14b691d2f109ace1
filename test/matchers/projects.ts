/**
 * Fresh projects that use the packed package as its users would: vitest with
 * a TypeScript test and a setup file, and jest with plain JavaScript files,
 * CommonJS or ES modules, typed through @jest/globals. Each test reads the picture from PICTURE and
 * its options from GOLDEN_OPTIONS, so that one project serves every step.
 */
export interface Project {
  readonly files: Readonly<Record<string, string>>;
  /** The runner's arguments, after its entry script. */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

const TSCONFIG = (include: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false, ...extra },
    include,
  });

export const VITEST_PROJECT: Project = {
  files: {
    'package.json': JSON.stringify({ name: 'vitest-user', private: true, type: 'module' }),
    'vitest.config.mjs': "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['*.spec.ts'], setupFiles: ['./setup.ts'] } });\n",
    'setup.ts': "import { expect } from 'vitest';\nimport { toMatchGolden } from 'superimpose-local/matchers/vitest';\n\nexpect.extend({ toMatchGolden });\n",
    'picture.spec.ts': [
      "import { readFileSync } from 'node:fs';",
      "import { expect, test } from 'vitest';",
      "import type { GoldenOptions } from 'superimpose-local/matchers/vitest';",
      '',
      "test('the picture', async () => {",
      "  const options: GoldenOptions = JSON.parse(process.env.GOLDEN_OPTIONS ?? '{}');",
      "  await expect(readFileSync(process.env.PICTURE ?? '')).toMatchGolden('picture', options);",
      '});',
      '',
      '// Never called: the matcher is typed.',
      'export function typed(image: Buffer): Promise<void>[] {',
      '  return [',
      "    expect(image).toMatchGolden('picture'),",
      "    expect(image).toMatchGolden('picture', { threshold: 0.1, maxDiffPixels: 2, maxDiffPixelRatio: 0.01, maxMeanError: 0.5 }),",
      '    // @ts-expect-error a threshold is a number',
      "    expect(image).toMatchGolden('picture', { threshold: 'high' }),",
      '    // @ts-expect-error a golden has a name',
      '    expect(image).toMatchGolden(),',
      '  ];',
      '}',
      '',
    ].join('\n'),
    'tsconfig.json': TSCONFIG(['setup.ts', 'picture.spec.ts']),
  },
  args: ['run', '--config', 'vitest.config.mjs'],
};

/** The one test of both jest projects, in JavaScript typed by JSDoc. */
const JEST_PICTURE_TEST = [
  "test('the picture', async () => {",
  "  /** @type {import('superimpose-local/matchers/jest').GoldenOptions} */",
  "  const options = JSON.parse(process.env.GOLDEN_OPTIONS ?? '{}');",
  "  await expect(readFileSync(process.env.PICTURE ?? '')).toMatchGolden('picture', options);",
  '});',
];

/** A jest setup file: `imports` bring in expect and toMatchGolden, as require() or import. */
const jestSetup = (...imports: string[]): string => ['// @ts-check', ...imports, '', 'expect.extend({ toMatchGolden });', ''].join('\n');

export const JEST_PROJECT: Project = {
  files: {
    'package.json': JSON.stringify({ name: 'jest-user', private: true, jest: { setupFilesAfterEnv: ['<rootDir>/setup.js'], testMatch: ['**/*.spec.js'] } }),
    'setup.js': jestSetup("const { expect } = require('@jest/globals');", "const { toMatchGolden } = require('superimpose-local/matchers/jest');"),
    'picture.spec.js': [
      '// @ts-check',
      "const { readFileSync } = require('node:fs');",
      "const { expect, test } = require('@jest/globals');",
      '',
      ...JEST_PICTURE_TEST,
      '',
      '/** Never called: the matcher is typed. @param {Buffer} image */',
      'function typed(image) {',
      '  return [',
      "    expect(image).toMatchGolden('picture', { threshold: 0.1, maxDiffPixels: 2 }),",
      '    // @ts-expect-error a threshold is a number',
      "    expect(image).toMatchGolden('picture', { threshold: 'high' }),",
      '  ];',
      '}',
      'module.exports = { typed };',
      '',
    ].join('\n'),
    'tsconfig.json': TSCONFIG(['setup.js', 'picture.spec.js'], { allowJs: true, checkJs: true }),
  },
  args: ['--ci=false', '--no-watchman'],
};

/** Jest on ES modules: the files as they would be written for it, run with Node's VM modules as jest requires. */
export const JEST_ESM_PROJECT: Project = {
  files: {
    'package.json': JSON.stringify({ name: 'jest-esm-user', private: true, type: 'module', jest: { setupFilesAfterEnv: ['<rootDir>/setup.js'], testMatch: ['**/*.spec.js'], transform: {} } }),
    'setup.js': jestSetup("import { expect } from '@jest/globals';", "import { toMatchGolden } from 'superimpose-local/matchers/jest';"),
    'picture.spec.js': [
      '// @ts-check',
      "import { readFileSync } from 'node:fs';",
      "import { expect, test } from '@jest/globals';",
      '',
      ...JEST_PICTURE_TEST,
      '',
      '/** Never called: the matcher is typed. @param {Buffer} image */',
      'export function typed(image) {',
      '  // @ts-expect-error a golden has a name',
      '  return expect(image).toMatchGolden();',
      '}',
      '',
    ].join('\n'),
    'tsconfig.json': TSCONFIG(['setup.js', 'picture.spec.js'], { allowJs: true, checkJs: true }),
  },
  args: ['--ci=false', '--no-watchman'],
  env: { NODE_OPTIONS: '--experimental-vm-modules' },
};

/**
 * Jest typed by @types/jest, whose global expect most jest projects in
 * TypeScript use: checked by the compiler only, as it runs as JEST_PROJECT does.
 */
export const JEST_GLOBALS_TYPES_PROJECT: Project = {
  files: {
    'package.json': JSON.stringify({ name: 'jest-globals-user', private: true }),
    'picture.spec.ts': [
      "import { readFileSync } from 'node:fs';",
      "import { toMatchGolden } from 'superimpose-local/matchers/jest';",
      '',
      'expect.extend({ toMatchGolden });',
      '',
      "test('the picture', async () => {",
      "  await expect(readFileSync('picture.png')).toMatchGolden('picture', { threshold: 0.1, maxDiffPixelRatio: 0.01 });",
      '  // @ts-expect-error a threshold is a number',
      "  await expect(readFileSync('picture.png')).toMatchGolden('picture', { threshold: 'high' });",
      '  // @ts-expect-error a golden has a name',
      "  await expect(readFileSync('picture.png')).toMatchGolden();",
      '});',
      '',
    ].join('\n'),
    'tsconfig.json': TSCONFIG(['picture.spec.ts'], { types: ['node', 'jest'] }),
  },
  args: [],
};
