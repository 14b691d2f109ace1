import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { mockup } from '../../src/index.js';
import { testConfig } from '../helpers/http.js';

const GOLDEN = new URL('../../golden/mockup/', import.meta.url);
const bytes = (path: string) => readFileSync(new URL(path, GOLDEN));
const b64 = (path: string) => bytes(path).toString('base64');

const app = buildApp(testConfig());
afterAll(() => app.close());
const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

/** A request of the reference cases, its image paths as base64 for JSON and as bytes for the library. */
function caseRequest(name: string): { json: Record<string, unknown>; library: Record<string, unknown> } {
  const { request } = JSON.parse(bytes(`cases/${name}.json`).toString()) as { request: Record<string, unknown> & { layers: Record<string, unknown>[] } };
  const images = (form: (path: string) => unknown) => ({
    ...request,
    base_image: form(request['base_image'] as string),
    layers: request.layers.map((layer) => {
      const displacement = layer['displacement'] as { map: string } | undefined;
      return {
        ...layer,
        image: form(layer['image'] as string),
        ...(typeof layer['clip'] === 'string' ? { clip: form(layer['clip']) } : {}),
        ...(displacement ? { displacement: { ...displacement, map: displacement.map === 'base' ? 'base' : form(displacement.map) } } : {}),
      };
    }),
  });
  return { json: images(b64), library: images(bytes) };
}

interface InvalidCase {
  readonly name: string;
  readonly request: Record<string, unknown>;
  readonly field: string;
  readonly mentions?: readonly string[];
}

describe('POST /v1/mockup', () => {
  it.each(['tshirt-chest-multiply-folds', 'four-layers-mixed', 'cutout-rgba-base-screen-lighten'])('renders %s as the library does, byte for byte', async (name) => {
    const { json, library } = caseRequest(name);
    const res = await post('/v1/mockup', json);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.equals((await mockup(library as never)).data)).toBe(true);
  });

  it('answers {"image": base64} when base64 is true', async () => {
    const { json } = caseRequest('poster-perspective-cover');
    const res = await post('/v1/mockup', { ...json, image_format: 'jpeg', base64: true });
    expect(res.statusCode).toBe(200);
    const image = Buffer.from(res.json<{ image: string }>().image, 'base64');
    expect(image.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  const invalid = JSON.parse(bytes('invalid.json').toString()) as InvalidCase[];
  it.each(invalid.map((c) => [c.name, c] as const))('refuses %s with 400 naming its field', async (_name, { request, field, mentions }) => {
    const withImages = JSON.parse(JSON.stringify(request), (_key, value: unknown) => (typeof value === 'string' && value.startsWith('inputs/') ? b64(value) : value)) as object;
    const res = await post('/v1/mockup', withImages);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    const { error } = res.json<{ error: string }>();
    expect(error).toContain(field);
    for (const mention of mentions ?? []) expect(error).toContain(mention);
  });
});

describe('POST /v2/mockup', () => {
  it('queues the mockup and serves the same image once it is done', async () => {
    const { json } = caseRequest('mug-wrap-stretch-multiply');
    const submitted = await post('/v2/mockup', json);
    expect(submitted.statusCode).toBe(200);
    const { request_id } = submitted.json<{ request_id: string }>();
    let status = '';
    for (let i = 0; i < 100 && status !== 'COMPLETED'; i++) {
      status = (await app.inject({ url: `/v2/requests/${request_id}/status` })).json<{ status: string }>().status;
      if (status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe('COMPLETED');
    const output = await app.inject({ url: `/v2/requests/${request_id}/output` });
    const direct = await post('/v1/mockup', json);
    expect(output.rawPayload.equals(direct.rawPayload)).toBe(true);
  });
});
