import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES } from '../src/config/server.js';

/**
 * The layering rules, read off the source: which module imports which. A rule
 * broken by a new import fails here, not in review.
 */
const SRC = fileURLToPath(new URL('../src/', import.meta.url));

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

const files = new Map(sourceFiles(SRC).map((path) => [relative(SRC, path), readFileSync(path, 'utf8')]));

interface Import {
  readonly specifier: string;
  /** The imported file, relative to src/, for relative imports. */
  readonly target: string | undefined;
  readonly dynamic: boolean;
}

function importsOf(file: string): Import[] {
  const text = files.get(file)!;
  const found: Import[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"`]([^'"`]+)['"`]\s*\)/g)) {
    const specifier = (match[1] ?? match[2] ?? match[3])!;
    const target = specifier.startsWith('.') ? relative(SRC, resolve(SRC, dirname(file), specifier)).replace(/\.js$/, '.ts') : undefined;
    found.push({ specifier, target, dynamic: match[3] !== undefined });
  }
  return found;
}

/** Files reachable from `entry`, following every relative import but the `skip`ped edges. */
function reachable(entry: string, skip: (from: string, to: Import) => boolean = () => false): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of importsOf(file)) if (imported.target && !skip(file, imported)) visit(imported.target);
  };
  visit(entry);
  return seen;
}

/** What each layer may import besides itself, as docs/ARCHITECTURE.md draws it; the entries (the CLI is the bin's) may import anything. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  engine: [],
  contract: ['engine'],
  runtime: ['engine', 'contract'],
  jobs: ['engine', 'contract', 'runtime'],
  proxy: ['contract', 'runtime'],
  library: ['contract', 'runtime'],
  config: ['runtime', 'jobs', 'proxy'],
  golden: ['engine', 'library'],
  matchers: ['golden', 'engine', 'library', 'contract', 'runtime'],
  http: ['engine', 'contract', 'runtime', 'jobs', 'proxy', 'config'],
  // Browser code: the server gives it its tables as JSON at serve time, so it imports nothing of the rest.
  // Types only (checked below): the page's bundle holds nothing of the server.
  playground: ['contract', 'engine'],
};
const ENTRIES = ['index.ts', 'server.ts', 'worker.ts', 'cli'];
const layerOf = (file: string) => file.split('/')[0]!;

/** Reads the environment: `process.env`, `process['env']`, or `env` taken out of `process`. */
const READS_ENVIRONMENT = /\bprocess\s*(?:\.\s*env\b|\[)|\benv\b[^=;]*\}\s*=\s*process\b/;

describe('architecture', () => {
  it('puts every file of src/ in a layer or an entry', () => {
    expect([...files.keys()].filter((file) => !(layerOf(file) in MAY_IMPORT) && !ENTRIES.includes(layerOf(file)))).toEqual([]);
  });

  it('has each layer import only the layers it stands on', () => {
    const stray = [...files.keys()]
      .filter((file) => !ENTRIES.includes(layerOf(file)))
      .flatMap((file) =>
        importsOf(file)
          .filter((imported) => imported.target && layerOf(imported.target) !== layerOf(file) && !MAY_IMPORT[layerOf(file)]!.includes(layerOf(imported.target)))
          .map((imported) => `${file} -> ${imported.target}`),
      );
    expect(stray).toEqual([]);
  });

  it('keeps src/engine pure: no import outside it but sharp and node:, no environment', () => {
    const engine = [...files.keys()].filter((file) => file.startsWith('engine/'));
    const outside = engine.flatMap((file) =>
      importsOf(file)
        .filter((imported) => (imported.target ? !imported.target.startsWith('engine/') : imported.specifier !== 'sharp' && !imported.specifier.startsWith('node:')))
        .map((imported) => `${file} -> ${imported.specifier}`),
    );
    expect(outside).toEqual([]);
    expect(engine.filter((file) => READS_ENVIRONMENT.test(files.get(file)!))).toEqual([]);
  });

  it.each([
    ['the library entry', 'index.ts'],
    ['the worker', 'worker.ts'],
  ])('has %s reach nothing in src/http', (_name, entry) => {
    expect([...reachable(entry)].filter((file) => file.startsWith('http/'))).toEqual([]);
  });

  it('has every CLI command but serve reach nothing in src/http', () => {
    const serve = (from: string, to: Import) => from === 'cli/run.ts' && to.target === 'server.ts';
    expect([...reachable('cli/main.ts', serve)].filter((file) => file.startsWith('http/'))).toEqual([]);
  });

  it('keeps the playground\'s browser code out of the server: only its built page is read', () => {
    expect([...reachable('server.ts')].filter((file) => file.startsWith('playground/'))).toEqual([]);
    const packages = [...files.keys()].filter((file) => file.startsWith('playground/')).flatMap((file) => importsOf(file).filter((imported) => !imported.target).map((imported) => `${file} -> ${imported.specifier}`));
    expect(packages).toEqual([]);
    // What the page takes from the server's layers are types, which its bundle never holds.
    const values = [...files.entries()]
      .filter(([file]) => file.startsWith('playground/'))
      .flatMap(([file, text]) => [...text.matchAll(/^\s*(import|export)\s+(?!type\b)[^'"]*from\s+['"](\.\.\/[^'"]+)['"]/gm)].map((match) => `${file} -> ${match[2]}`));
    expect(values).toEqual([]);
  });

  it('keeps the server\'s packages out of the library entry\'s module graph', () => {
    const server = /^(fastify|@fastify\/|fastify-|bullmq|ioredis|prom-client|pino)/;
    const loaded = [...reachable('index.ts')].flatMap((file) => importsOf(file).filter((imported) => !imported.target && server.test(imported.specifier)).map((imported) => `${file} -> ${imported.specifier}`));
    expect(loaded).toEqual([]);
  });

  it('has no file reachable from the library entry read or name an environment variable', () => {
    const library = [...reachable('index.ts')];
    const names = new RegExp(`\\b(${ENVIRONMENT_VARIABLES.join('|')})\\b`);
    expect(library.filter((file) => READS_ENVIRONMENT.test(files.get(file)!))).toEqual([]);
    expect(library.filter((file) => names.test(files.get(file)!))).toEqual([]);
  });
});
