import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { SUPERIMPOSE_PARAMETERS } from '../../src/contract/superimpose.js';
import { MOCKUP_LAYER_PARAMETERS } from '../../src/contract/mockup.js';
import { testConfig } from '../helpers/http.js';
import { builtPlayground } from '../helpers/playground.js';

let page: string;
beforeAll(async () => {
  page = await builtPlayground();
});

const appWith = (env: Record<string, string> = {}) => buildApp(testConfig(env), { playground: { page } });

/** The configuration the page is given, read back out of its HTML. */
function configOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="config">([\s\S]*?)<\/script>/.exec(html);
  expect(match, 'the config element').not.toBeNull();
  return JSON.parse(match![1]!) as Record<string, unknown>;
}

describe('GET /: the playground', () => {
  const app = appWith();
  afterAll(() => app.close());

  it('serves the page with the parameter tables and the examples in it', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const config = configOf(response.body);
    expect(config['keyRequired']).toBe(false);
    expect(config['superimpose']).toEqual(JSON.parse(JSON.stringify(SUPERIMPOSE_PARAMETERS)));
    expect((config['mockup'] as { layer: unknown }).layer).toEqual(JSON.parse(JSON.stringify(MOCKUP_LAYER_PARAMETERS)));
    const examples = config['examples'] as { name: string; photo: { url: string }; layers: { quad: number[][] }[] }[];
    expect(examples.map((example) => example.name)).toEqual(['tshirt', 'tote', 'mug', 'poster']);
    // Boxes are given as quads: the page places corners.
    for (const example of examples) for (const layer of example.layers) expect(layer.quad).toHaveLength(4);
  });

  it('holds its own script and style only, and says so in its Content-Security-Policy', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.body).not.toMatch(/https?:\/\//);
    expect(response.body).not.toMatch(/<script[^>]*\ssrc=|<link\b/);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    // The hashes are those of the script and style served, each one, and nothing else.
    const directive = (name: string) => new Set(csp.split('; ').find((part) => part.startsWith(`${name} `))?.split(' ').slice(1));
    const hashes = (tag: string) => {
      const bodies = [...response.body.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].filter(([, attributes]) => !/type="application\/json"/.test(attributes ?? ''));
      return new Set(bodies.map(([, , body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`));
    };
    expect(hashes('script').size).toBe(1);
    expect(hashes('style').size).toBe(1);
    expect(directive('script-src')).toEqual(hashes('script'));
    expect(directive('style-src')).toEqual(hashes('style'));
  });

  it('escapes "<" in the configuration, so no value can close its element', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    const json = /id="config">([\s\S]*?)<\/script>/.exec(response.body)![1]!;
    expect(json).not.toContain('<');
    expect(json).toContain('\\u003c');
  });

  it('serves the examples\' files, and nothing else of the folder', async () => {
    const config = configOf((await app.inject({ method: 'GET', url: '/' })).body);
    const [tshirt] = config['examples'] as { photo: { url: string; name: string }; design: { url: string } }[];
    const photo = await app.inject({ method: 'GET', url: tshirt!.photo.url });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.rawPayload.equals(readFileSync(new URL('../../examples/tshirt/photo.jpg', import.meta.url)))).toBe(true);
    expect((await app.inject({ method: 'GET', url: tshirt!.design.url })).headers['content-type']).toBe('image/png');
    for (const url of ['/playground/examples/tshirt/template.json', '/playground/examples/tshirt/result.jpg', '/playground/examples/../package.json', '/playground/examples/%2e%2e/package.json', '/playground/examples/examples.json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(JSON.parse(response.body).error, url).toMatch(/^No (example file|route)/);
    }
  });

  it('offers no examples when the folder is missing', async () => {
    const bare = buildApp(testConfig(), { playground: { page, examples: await mkdtemp(join(tmpdir(), 'no-examples-')) } });
    const config = configOf((await bare.inject({ method: 'GET', url: '/' })).body);
    expect(config['examples']).toEqual([]);
    await bare.close();
  });

  it('leaves out an example it does not understand, and still starts: examples.json or a template not JSON, a bad quad, layer or strength', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'bad-examples-'));
    const names = ['good', 'not-json', 'bad-quad', 'short-quad', 'bad-box', 'bad-layer', 'bad-strength', 'missing-map', 'pair'];
    await mkdir(join(folder, 'designs'));
    await writeFile(join(folder, 'designs/d.png'), 'png');
    await writeFile(join(folder, 'examples.json'), JSON.stringify(names.map((name) => ({ name, design: 'designs/d.png' }))));
    const layer = { image: '{{design}}', quad: [[0, 0], [10, 0], [10, 10], [0, 10]] };
    const templates: Record<string, string> = {
      good: JSON.stringify({ base_image: 'photo.jpg', layers: [layer] }),
      'not-json': '{ "base_image": ',
      'bad-quad': JSON.stringify({ base_image: 'photo.jpg', layers: [{ ...layer, quad: [[0, 0], [10, 'x'], [10, 10], [0, 10]] }] }),
      'short-quad': JSON.stringify({ base_image: 'photo.jpg', layers: [{ ...layer, quad: [1, 2, 3, 4] }] }),
      'bad-box': JSON.stringify({ base_image: 'photo.jpg', layers: [{ image: '{{design}}', box: { x: 'a' } }] }),
      'bad-layer': JSON.stringify({ base_image: 'photo.jpg', layers: [layer, 7] }),
      'bad-strength': JSON.stringify({ base_image: 'photo.jpg', layers: [{ ...layer, displacement: { map: 'base', strength: [1, 'y'] } }] }),
      'missing-map': JSON.stringify({ base_image: 'photo.jpg', layers: [{ ...layer, displacement: { map: 'none.png', strength: 1 } }] }),
      pair: JSON.stringify({ base_image: 'photo.jpg', layers: [{ ...layer, displacement: { map: 'base', strength: [99, 0], blur: 1 } }] }),
    };
    for (const name of names) {
      await mkdir(join(folder, name));
      await writeFile(join(folder, name, 'photo.jpg'), 'jpg');
      await writeFile(join(folder, name, 'template.json'), templates[name]!);
    }
    const served = buildApp(testConfig(), { playground: { page, examples: folder } });
    const examples = configOf((await served.inject({ method: 'GET', url: '/' })).body)['examples'] as { name: string; layers: { displacement?: unknown }[] }[];
    expect(examples.map((example) => example.name)).toEqual(['good', 'pair']);
    expect(examples[1]!.layers[0]!.displacement).toEqual({ map: 'base', strength: [99, 0], blur: 1 });
    // The files of an example left out are not served.
    expect((await served.inject({ method: 'GET', url: '/playground/examples/bad-quad/photo.jpg' })).statusCode).toBe(404);
    expect((await served.inject({ method: 'GET', url: '/playground/examples/good/photo.jpg' })).statusCode).toBe(200);
    await served.close();

    await writeFile(join(folder, 'examples.json'), '[{"name": "good",');
    const unlisted = buildApp(testConfig(), { playground: { page, examples: folder } });
    expect(configOf((await unlisted.inject({ method: 'GET', url: '/' })).body)['examples']).toEqual([]);
    await unlisted.close();
  });

  it('gives the mug example\'s displacement strength as its template does, a pair', async () => {
    const config = configOf((await app.inject({ method: 'GET', url: '/' })).body);
    const mug = (config['examples'] as { name: string; layers: { displacement?: { strength: unknown } }[] }[]).find((example) => example.name === 'mug');
    expect(mug?.layers[0]?.displacement?.strength).toEqual([99, 0]);
  });

  it('is not in the OpenAPI document', async () => {
    const document = JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path === '/' || path.startsWith('/playground'))).toEqual([]);
  });
});

describe('the playground with API keys', () => {
  const app = appWith({ SUPERIMPOSE_API_KEYS: 'k1' });
  afterAll(() => app.close());

  it('loads without a key and shows a key field; the API still asks for one', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(configOf(response.body)['keyRequired']).toBe(true);
    expect((await app.inject({ method: 'GET', url: '/playground/examples/tshirt/photo.jpg' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/mockup', payload: {} })).statusCode).toBe(401);
  });
});

describe('SUPERIMPOSE_PLAYGROUND=off', () => {
  const app = appWith({ SUPERIMPOSE_PLAYGROUND: 'off' });
  afterAll(() => app.close());

  it('answers / with 404, as any unknown path', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ error: 'No route GET /' });
    expect((await app.inject({ method: 'GET', url: '/playground/examples/tshirt/photo.jpg' })).statusCode).toBe(404);
  });

  it('refuses a value other than on and off, naming the variable', () => {
    expect(() => testConfig({ SUPERIMPOSE_PLAYGROUND: 'yes' })).toThrow(/^Invalid environment variable SUPERIMPOSE_PLAYGROUND: expected on or off/);
  });
});
