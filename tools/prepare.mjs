// `npm install` in a clone builds dist/ when the dev tools are there; a
// production install (--omit=dev) has no TypeScript, and uses the dist/ it was given.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  if (!existsSync(new URL('../dist/server.js', import.meta.url))) {
    console.warn('superimpose-local: dist/ is missing and TypeScript is not installed: build it first (npm ci && npm run build), then install with --omit=dev');
  }
  process.exit(0);
}
execFileSync(process.execPath, [new URL('./clean-dist.mjs', import.meta.url).pathname], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [new URL('./build-cjs.mjs', import.meta.url).pathname], { stdio: 'inherit' });
execFileSync(process.execPath, [new URL('./build-playground.mjs', import.meta.url).pathname], { stdio: 'inherit' });
