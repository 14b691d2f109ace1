import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { MAX_DISPLACEMENT_BLUR, MAX_DISPLACEMENT_STRENGTH, MOCKUP_DISPLACEMENT_PARAMETERS, MOCKUP_LAYER_PARAMETERS, MOCKUP_LIMITS, MOCKUP_PARAMETERS } from '../../contract/mockup.js';
import { SuperimposeError } from '../../contract/errors.js';
import { SUPERIMPOSE_PARAMETERS } from '../../contract/superimpose.js';
import { boxQuad, type Quad } from '../../engine/mockup/geometry.js';

/** The page tools/build-playground.mjs writes; the same path from src/ (tests) and from dist/. */
export const PLAYGROUND_PAGE = new URL('../../../dist/playground/index.html', import.meta.url);
/** The repository's examples; an installed package has none, and the page then offers none. */
export const EXAMPLES_FOLDER = new URL('../../../examples/', import.meta.url);
/** Where the examples' files are served from, read-only. */
export const EXAMPLES_PATH = '/playground/examples/';

/** The marker the built page holds where the configuration goes. */
const CONFIG_MARKER = '<!--playground-config-->';

export interface PlaygroundOptions {
  /** Whether /v1 asks for x-api-key: the page then shows a key field. */
  readonly keyRequired: boolean;
  /** The built page; defaults to PLAYGROUND_PAGE. */
  readonly page?: URL | string;
  /** The examples folder; defaults to EXAMPLES_FOLDER. */
  readonly examples?: URL | string;
}

/** A file the page may fetch: its URL under EXAMPLES_PATH and the name snippets give it. */
interface ExampleFile {
  readonly url: string;
  readonly name: string;
}

interface ExampleLayer {
  readonly quad: Quad;
  readonly fit?: string;
  readonly blend_mode?: string;
  readonly opacity?: number;
  readonly clip?: ExampleFile;
  readonly displacement?: { readonly map: 'base' | ExampleFile; readonly strength: number | readonly [number, number]; readonly blur?: number };
}

interface Example {
  readonly name: string;
  readonly shows: string;
  readonly photo: ExampleFile;
  readonly design: ExampleFile;
  readonly layers: readonly ExampleLayer[];
  readonly image_format?: string;
  readonly image_quality?: number;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

/** A relative path inside the examples folder, or nothing for anything that could leave it or is not an image. */
function examplePath(folder: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('\\')) return undefined;
  const path = posix.normalize(posix.join(folder, value));
  if (path.startsWith('..') || path.startsWith('/') || !(extname(path).toLowerCase() in CONTENT_TYPES)) return undefined;
  return path;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The examples as the page takes them, and the allow-list of files they use.
 * A template this does not understand is left out rather than half offered.
 */
function readExamples(root: URL): { examples: Example[]; files: Map<string, URL> } {
  const files = new Map<string, URL>();
  const examples: Example[] = [];
  const index = new URL('examples.json', root);
  if (!existsSync(index)) return { examples, files };
  const listed: unknown = JSON.parse(readFileSync(index, 'utf8'));
  if (!Array.isArray(listed)) return { examples, files };
  const offer = (path: string): ExampleFile | undefined => {
    const url = new URL(path, root);
    if (!existsSync(url)) return undefined;
    files.set(path, url);
    return { url: `${EXAMPLES_PATH}${path}`, name: posix.basename(path) };
  };
  for (const entry of listed) {
    if (!isObject(entry) || typeof entry['name'] !== 'string' || !/^[a-z0-9-]+$/.test(entry['name'])) continue;
    const name = entry['name'];
    const templateUrl = new URL(`${name}/template.json`, root);
    if (!existsSync(templateUrl)) continue;
    const template: unknown = JSON.parse(readFileSync(templateUrl, 'utf8'));
    if (!isObject(template) || !Array.isArray(template['layers'])) continue;
    const fileAt = (folder: string, value: unknown) => {
      const path = examplePath(folder, value);
      return path === undefined ? undefined : offer(path);
    };
    const photo = fileAt(name, template['base_image']);
    const design = fileAt('.', entry['design']);
    if (!photo || !design) continue;
    const layers: ExampleLayer[] = [];
    for (const layer of template['layers']) {
      if (!isObject(layer)) continue;
      const box = layer['box'];
      const quad = (isObject(box) ? boxQuad(box as unknown as Parameters<typeof boxQuad>[0]) : layer['quad']) as Quad | undefined;
      if (!Array.isArray(quad)) continue;
      const displacement = layer['displacement'];
      const map = isObject(displacement) ? (displacement['map'] === 'base' ? 'base' : fileAt(name, displacement['map'])) : undefined;
      const clip = layer['clip'] === undefined ? undefined : fileAt(name, layer['clip']);
      layers.push({
        quad: quad.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]) as unknown as Quad,
        ...(typeof layer['fit'] === 'string' && { fit: layer['fit'] }),
        ...(typeof layer['blend_mode'] === 'string' && { blend_mode: layer['blend_mode'] }),
        ...(typeof layer['opacity'] === 'number' && { opacity: layer['opacity'] }),
        ...(clip && { clip }),
        ...(isObject(displacement) && map && { displacement: { map, strength: displacement['strength'] as number, ...(typeof displacement['blur'] === 'number' && { blur: displacement['blur'] }) } }),
      });
    }
    examples.push({
      name,
      shows: typeof entry['shows'] === 'string' ? entry['shows'] : name,
      photo,
      design,
      layers,
      ...(typeof template['image_format'] === 'string' && { image_format: template['image_format'] }),
      ...(typeof template['image_quality'] === 'number' && { image_quality: template['image_quality'] }),
    });
  }
  return { examples, files };
}

/** JSON inside a <script> element: no "<" can close it or open a comment. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** The page's Content-Security-Policy: its own inline script and style by hash, requests to this server only. */
function contentSecurityPolicy(html: string): string {
  const hashes = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`).join(' ');
  return [`default-src 'none'`, `script-src ${hashes('script')}`, `style-src ${hashes('style')}`, `img-src 'self' data: blob:`, `connect-src 'self' blob:`, `base-uri 'none'`, `form-action 'none'`, `frame-ancestors 'none'`].join('; ');
}

/**
 * GET /: the playground, a single page built from src/playground, given at
 * serve time the parameter tables and the server's facts as JSON; the
 * examples' files under EXAMPLES_PATH. Neither is in the OpenAPI document.
 */
export function playgroundRoutes(app: FastifyInstance, options: PlaygroundOptions): void {
  const folder = options.examples ?? EXAMPLES_FOLDER;
  const { examples, files } = readExamples(typeof folder === 'string' ? pathToFileURL(`${folder.replace(/\/$/, '')}/`) : folder);
  const config = {
    keyRequired: options.keyRequired,
    superimpose: SUPERIMPOSE_PARAMETERS,
    mockup: {
      request: MOCKUP_PARAMETERS,
      layer: MOCKUP_LAYER_PARAMETERS,
      displacement: MOCKUP_DISPLACEMENT_PARAMETERS,
      maxLayers: MOCKUP_LIMITS.maxLayers,
      maxDisplacementStrength: MAX_DISPLACEMENT_STRENGTH,
      maxDisplacementBlur: MAX_DISPLACEMENT_BLUR,
    },
    examples,
  };
  let page: { html: string; csp: string } | undefined;
  const load = () => {
    if (page) return page;
    const source = options.page ?? PLAYGROUND_PAGE;
    if (!existsSync(source)) throw new SuperimposeError('not_found', `No playground page at ${String(source)}: build it with npm run build`);
    const built = readFileSync(source, 'utf8');
    const at = built.indexOf(CONFIG_MARKER);
    if (at < 0) throw new Error(`The playground page ${String(source)} has no ${CONFIG_MARKER}`);
    const html = built.slice(0, at) + scriptJson(config) + built.slice(at + CONFIG_MARKER.length);
    page = { html, csp: contentSecurityPolicy(html) };
    return page;
  };

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const { html, csp } = load();
    return reply.type('text/html; charset=utf-8').header('content-security-policy', csp).header('cache-control', 'no-cache').send(html);
  });

  app.get(`${EXAMPLES_PATH}*`, { schema: { hide: true } }, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const file = files.get(path);
    if (!file) throw new SuperimposeError('not_found', `No example file ${JSON.stringify(path.slice(0, 200))}: expected one of ${[...files.keys()].join(', ') || 'none (no examples folder)'}`);
    return reply.type(CONTENT_TYPES[extname(path).toLowerCase()]!).header('cache-control', 'public, max-age=3600').send(await readFile(file));
  });
}
