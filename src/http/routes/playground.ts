import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { MAX_DISPLACEMENT_BLUR, MAX_DISPLACEMENT_STRENGTH, MOCKUP_DISPLACEMENT_PARAMETERS, MOCKUP_LAYER_PARAMETERS, MOCKUP_LIMITS, MOCKUP_PARAMETERS } from '../../contract/mockup.js';
import { SuperimposeError } from '../../contract/errors.js';
import type { Example, ExampleFile, ExampleLayer, PlaygroundConfig } from '../../contract/playground.js';
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

/** Thrown for a template this page does not understand: the example is left out rather than half offered. */
class NotUnderstood extends Error {}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPair = (value: unknown): value is readonly [number, number] => Array.isArray(value) && value.length === 2 && value.every(isFiniteNumber);

/** A layer's quad, from `quad` or `box`, exact (rounded, a box's quad would render other than its template); 4 pairs of finite numbers or a refusal. */
function quadOf(layer: Json): Quad {
  const box = layer['box'];
  // boxQuad reads numbers only; anything else gives NaN corners, refused below.
  const quad: unknown = isObject(box) ? boxQuad(box as unknown as Parameters<typeof boxQuad>[0]) : layer['quad'];
  if (!Array.isArray(quad) || quad.length !== 4 || !quad.every(isPair)) throw new NotUnderstood('quad: expected 4 pairs of finite numbers');
  return quad.map(([x, y]) => [x, y]) as unknown as Quad;
}

/** One number for both axes, or [x, y]. */
function strengthOf(value: unknown): number | readonly [number, number] {
  if (isFiniteNumber(value)) return value;
  if (isPair(value)) return [value[0], value[1]];
  throw new NotUnderstood('strength: expected a number or [x, y]');
}

type FileAt = (value: unknown) => ExampleFile | undefined;

function exampleLayer(layer: unknown, fileAt: FileAt): ExampleLayer {
  if (!isObject(layer)) throw new NotUnderstood('a layer is not an object');
  const displacement = layer['displacement'];
  if (displacement !== undefined && !isObject(displacement)) throw new NotUnderstood('displacement: expected an object');
  const map = displacement && (displacement['map'] === 'base' ? 'base' : fileAt(displacement['map']));
  const clip = layer['clip'] === undefined ? undefined : fileAt(layer['clip']);
  // A file the template names but the page cannot be given would change the picture.
  if ((displacement && !map) || (layer['clip'] !== undefined && !clip)) throw new NotUnderstood('a clip or displacement map that is not an image in the folder');
  return {
    quad: quadOf(layer),
    ...(typeof layer['fit'] === 'string' && { fit: layer['fit'] }),
    ...(typeof layer['blend_mode'] === 'string' && { blend_mode: layer['blend_mode'] }),
    ...(isFiniteNumber(layer['opacity']) && { opacity: layer['opacity'] }),
    ...(clip && { clip }),
    ...(displacement && map && { displacement: { map, strength: strengthOf(displacement['strength']), ...(isFiniteNumber(displacement['blur']) && { blur: displacement['blur'] }) } }),
  };
}

/** The example `entry` of examples.json names, or undefined when its template is missing or not understood (a throw). */
function readExample(root: URL, entry: unknown, offer: (path: string) => ExampleFile | undefined): Example | undefined {
  if (!isObject(entry) || typeof entry['name'] !== 'string' || !/^[a-z0-9-]+$/.test(entry['name'])) return undefined;
  const name = entry['name'];
  const templateUrl = new URL(`${name}/template.json`, root);
  if (!existsSync(templateUrl)) return undefined;
  const template: unknown = JSON.parse(readFileSync(templateUrl, 'utf8'));
  if (!isObject(template) || !Array.isArray(template['layers'])) return undefined;
  const fileAt = (folder: string) => (value: unknown) => {
    const path = examplePath(folder, value);
    return path === undefined ? undefined : offer(path);
  };
  const photo = fileAt(name)(template['base_image']);
  const design = fileAt('.')(entry['design']);
  if (!photo || !design) return undefined;
  const layers = template['layers'].map((layer) => exampleLayer(layer, fileAt(name)));
  return {
    name,
    shows: typeof entry['shows'] === 'string' ? entry['shows'] : name,
    photo,
    design,
    layers,
    ...(typeof template['image_format'] === 'string' && { image_format: template['image_format'] }),
    ...(isFiniteNumber(template['image_quality']) && { image_quality: template['image_quality'] }),
  };
}

/**
 * The examples as the page takes them, and the allow-list of files they use.
 * An example whose template does not read or is not understood is left out
 * (with a warning), never half offered, and never stops the server.
 */
function readExamples(root: URL, warn: (message: string) => void): { examples: Example[]; files: Map<string, URL> } {
  const files = new Map<string, URL>();
  const examples: Example[] = [];
  const index = new URL('examples.json', root);
  if (!existsSync(index)) return { examples, files };
  let listed: unknown;
  try {
    listed = JSON.parse(readFileSync(index, 'utf8'));
  } catch (error) {
    warn(`playground: no examples, ${index.pathname} does not read: ${(error as Error).message}`);
  }
  if (!Array.isArray(listed)) return { examples, files };
  for (const entry of listed) {
    // An example's files are allowed only once the whole example is understood.
    const offered = new Map<string, URL>();
    const offer = (path: string): ExampleFile | undefined => {
      const url = new URL(path, root);
      if (!existsSync(url)) return undefined;
      offered.set(path, url);
      return { url: `${EXAMPLES_PATH}${path}`, name: posix.basename(path) };
    };
    try {
      const example = readExample(root, entry, offer);
      if (!example) continue;
      examples.push(example);
      for (const [path, url] of offered) files.set(path, url);
    } catch (error) {
      warn(`playground: example ${JSON.stringify(isObject(entry) ? entry['name'] : entry)} left out: ${(error as Error).message}`);
    }
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
  const { examples, files } = readExamples(typeof folder === 'string' ? pathToFileURL(`${folder.replace(/\/$/, '')}/`) : folder, (message) => app.log.warn(message));
  const config: PlaygroundConfig = {
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
