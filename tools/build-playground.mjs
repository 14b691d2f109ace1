// The playground page (src/playground) as one HTML file, its script and style inlined:
// dist/playground/index.html. The server puts its configuration in at serve time.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SOURCE = fileURLToPath(new URL('../src/playground/', import.meta.url));
export const PLAYGROUND_OUT = fileURLToPath(new URL('../dist/playground/', import.meta.url));

/** Text that would end or confuse its element if it appeared inside one. */
const inert = (text, tag) => text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);

/** Builds the page into `outDir` and returns its path. */
export async function buildPlayground(outDir = PLAYGROUND_OUT) {
  const common = { bundle: true, minify: true, write: false, legalComments: 'none', charset: 'utf8', logLevel: 'error' };
  const script = await build({ ...common, entryPoints: [join(SOURCE, 'main.ts')], format: 'iife', target: 'es2022', tsconfig: join(SOURCE, 'tsconfig.json') });
  const style = await build({ ...common, entryPoints: [join(SOURCE, 'style.css')] });
  const html = readFileSync(join(SOURCE, 'index.html'), 'utf8')
    .replace('<!--playground-style-->', () => inert(style.outputFiles[0].text.trim(), 'style'))
    .replace('<!--playground-script-->', () => inert(script.outputFiles[0].text.trim(), 'script'));
  const out = join(outDir, 'index.html');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildPlayground();
