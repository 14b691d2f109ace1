import { dirname, join } from 'node:path';

/** Where one golden and its results live, beside the test file. */
export interface GoldenPaths {
  readonly golden: string;
  readonly actual: string;
  readonly diff: string;
}

/** Checks a golden's name: a plain file name, so that a golden can never be read or written outside `__goldens__/`. */
export function checkGoldenName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`toMatchGolden needs a golden name (a string) but received ${String(name)}`);
  if (name === '') throw new TypeError('toMatchGolden needs a golden name but received an empty string');
  if (/[/\\]/.test(name) || name.includes('..') || name.includes('\0')) {
    throw new TypeError(`Invalid golden name ${JSON.stringify(name)}: a name is a plain file name, without "/", "\\", ".." or NUL`);
  }
  return name;
}

export function goldenPaths(testPath: string, name: string): GoldenPaths {
  const folder = join(dirname(testPath), '__goldens__');
  const results = join(folder, '__results__');
  return { golden: join(folder, `${name}.png`), actual: join(results, `${name}.actual.png`), diff: join(results, `${name}.diff.png`) };
}
