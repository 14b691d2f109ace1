import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
// The named export: the default one, under NodeNext, types as the module rather than the class.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATIVE_SLUGS, type GenerativeModel } from '../../src/contract/generative.js';
import { buildApp, type AppParts } from '../../src/http/app.js';
import { OPENAPI_PATH } from '../../src/http/openapi.js';
import type { SuperimposeResult } from '../../src/runtime/render.js';
import { pngWithHeader } from '../helpers/hostile.js';
import { goldenBase64, goldenBytes, stubServer, testConfig } from '../helpers/http.js';
import { freePort } from '../helpers/net.js';

/**
 * The generated OpenAPI document against the server it describes: every route
 * is an operation and back, and a table of requests provokes every documented
 * response of every operation, each answer held to its documented status,
 * media type and JSON schema.
 */

type JsonSchema = boolean | Record<string, unknown>;

interface DocumentedResponse {
  readonly description: string;
  readonly content?: Record<string, { readonly schema?: JsonSchema }>;
}

interface Operation {
  readonly responses: Record<string, DocumentedResponse>;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** "POST /v2/requests/{id}" for each operation of the document, with its responses. */
function operationsOf(document: OpenApiDocument): Map<string, Operation> {
  const operations = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) operations.set(`${method.toUpperCase()} ${path}`, operation as Operation);
    }
  }
  return operations;
}

/** The response key an answered status falls under: its own, else `default`. */
function responseKey(operation: Operation, status: number): string | undefined {
  if (String(status) in operation.responses) return String(status);
  return 'default' in operation.responses ? 'default' : undefined;
}

const mediaTypeOf = (contentType: string | number | string[] | undefined) => String(contentType ?? '').split(';')[0]!.trim().toLowerCase();
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

/** The documented media type an answer's is one of: exactly, by `type/*`, or by `*\/*`. */
const documentedMediaType = (documented: readonly string[], answered: string) =>
  documented.find((d) => d === answered) ?? documented.find((d) => d.endsWith('/*') && d !== '*/*' && answered.startsWith(d.slice(0, -1))) ?? documented.find((d) => d === '*/*');

/** Formats the document uses, checked as they say; any other format would be ignored silently, so a test below refuses them. */
const FORMATS = { uri: (value: string) => URL.canParse(value), binary: true } as const;

const IMAGE_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

/**
 * Segmind, as far as these rows need it: the body's prompt picks the behaviour
 * ("cut" drops the connection, "hang" never answers); a v2 submit answers
 * request_id "up-<prompt>", whose polls answer 500 for "up-broken", drop the
 * connection for "up-poll-cut", never answer for "up-poll-hang", and answer
 * Segmind's shapes (as test/http/proxy.test.ts models them) otherwise.
 */
const segmind = await stubServer((req, res) => {
  let text = '';
  req.on('data', (chunk: Buffer) => (text += chunk.toString()));
  req.on('end', () => {
    const url = req.url ?? '';
    const prompt = text === '' ? undefined : (JSON.parse(text) as { prompt?: unknown }).prompt;
    if (prompt === 'cut') return req.socket.destroy();
    if (prompt === 'hang') return;
    const poll = /^\/v2\/requests\/([\w-]+)(\/status)?$/.exec(url);
    if (poll) {
      const [, id, status] = poll;
      if (id === 'up-broken') return res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"Segmind had an internal error"}');
      if (id === 'up-poll-cut') return req.socket.destroy();
      if (id === 'up-poll-hang') return;
      const body = status ? { request_id: id, status: 'COMPLETED', metrics: { inference_time: 2.5 } } : { request_id: id, status: 'COMPLETED', output: `http://${req.headers.host}/out.jpg`, metrics: { inference_time: 2.5 }, error: null };
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (url.startsWith('/v1/')) return res.writeHead(200, { 'content-type': 'image/jpeg', 'x-remaining-credits': '41.5' }).end(IMAGE_BYTES);
    if (url.startsWith('/v2/')) {
      const id = `up-${String(prompt)}`;
      const base = `http://${req.headers.host}/v2/requests/${id}`;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ request_id: id, status: 'QUEUED', status_url: `${base}/status`, response_url: base }));
    }
    res.writeHead(404).end();
  });
});

/** An image URL that answers only once released: a render fetching it holds its slot until then. */
const heldImages = new Map<string, { readonly held: Promise<void>; readonly release: () => void }>();
/** The gate of one image path: its requests are answered once it is released. */
function heldImage(path: string) {
  let gate = heldImages.get(path);
  if (!gate) {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    gate = { held, release };
    heldImages.set(path, gate);
  }
  return gate;
}
const releaseHeldImages = () => heldImages.forEach(({ release }) => release());
const imageHost = await stubServer((req, res) => void heldImage(req.url ?? '').held.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(goldenBytes('swiss.png'))));

const apps: FastifyInstance[] = [];
// Every row is sent at once, all bodies announced before any is read: more than SUPERIMPOSE_BODIES_IN_FLIGHT allows.
const appWith = (env: Record<string, string> = {}, parts: AppParts = {}) => {
  const app = buildApp(testConfig({ SEGMIND_BASE_URL: segmind.url, SEGMIND_API_KEY: 'server-key', SEGMIND_TIMEOUT_MS: '5000', SUPERIMPOSE_BODIES_IN_FLIGHT: '1000', ...env }), parts);
  apps.push(app);
  return app;
};

const plain = appWith();
const keyed = appWith({ SUPERIMPOSE_API_KEYS: 'local-key' });
const withoutSegmindKey = buildApp(testConfig({ SEGMIND_BASE_URL: segmind.url }));
apps.push(withoutSegmindKey);
const smallBodies = appWith({ SUPERIMPOSE_MAX_BODY_BYTES: '4096' });
const impatient = appWith({ SEGMIND_TIMEOUT_MS: '1500' });
// Nothing listens on that port; with no local worker every job operation waits on Redis (SUPERIMPOSE_REDIS_WAIT_MS) and answers 503.
const redisDown = appWith({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, SUPERIMPOSE_JOB_CONCURRENCY: '0', SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS: '200', SUPERIMPOSE_REDIS_WAIT_MS: '300' });
const hurried = appWith({ SUPERIMPOSE_RENDER_TIMEOUT_MS: '1' });
const stalledBodies = appWith({ SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS: '300' });
const oneBodyAtATime = appWith({ SUPERIMPOSE_BODIES_IN_FLIGHT: '1', SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS: '10000' });

const TINY_RESULT: SuperimposeResult = { data: goldenBytes('mask-disc-64x64.png'), info: { width: 64, height: 64, format: 'png' } };
const gates: (() => void)[] = [];

/** An app whose v2 jobs (one at a time, one waiting) render only once opened. */
function gatedJobs() {
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  gates.push(open);
  const held = async () => (await gate, TINY_RESULT);
  const app = appWith({ SUPERIMPOSE_JOB_CONCURRENCY: '1', SUPERIMPOSE_QUEUE_LIMIT: '1' }, { render: held, renderMockup: held });
  return { app, open };
}

// Collected before the app is ready, so that the routes its plugins register are seen.
const registered = new Set<string>();
plain.addHook('onRoute', (route) => {
  if (route.schema?.hide === true) return;
  for (const method of ([] as string[]).concat(route.method)) {
    if (method !== 'HEAD') registered.add(`${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
  }
});

type Answer = LightMyRequestResponse;

const post = (app: FastifyInstance, url: string, payload: object | string, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload, headers });
const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const postText = (app: FastifyInstance, url: string) => post(app, url, 'hello', { 'content-type': 'text/plain' });

const superimposeBody = { base_image: goldenBase64('mask-radial-256x192.png'), overlay_image: goldenBase64('swiss.png') };
const undecodable = { ...superimposeBody, overlay_image: 'bm90IGFuIGltYWdl' };
const oversized = { ...superimposeBody, base_image: 'A'.repeat(8192) };
const mockupBody = { base_image: goldenBase64('mask-radial-256x192.png'), layers: [{ image: goldenBase64('swiss.png'), quad: [[20, 20], [200, 30], [190, 170], [30, 160]], blend_mode: 'multiply' }] };
const generativeBody: Record<GenerativeModel, (prompt: string) => Record<string, unknown>> = {
  'sd1.5-img2img': (prompt) => ({ image: 'aGVsbG8=', prompt }),
  'bg-replace': (prompt) => ({ image: 'aGVsbG8=', ref_image: 'aGVsbG8=', prompt }),
  'seg-swap': (prompt) => ({ main_image: 'aGVsbG8=', mask_image: 'aGVsbG8=', object_image: 'aGVsbG8=', prompt }),
};

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (await condition()) return;
    await sleep(10);
  }
  throw new Error(`Gave up waiting for ${what}`);
}

/** A v2 job submitted to `app` and run to its end (COMPLETED or FAILED); its id. */
async function finishedJob(app: FastifyInstance, body: object): Promise<string> {
  const submitted = await post(app, '/v2/superimpose', body);
  if (submitted.statusCode !== 200) throw new Error(`Submit answered ${submitted.statusCode}: ${submitted.body}`);
  const id = submitted.json<{ request_id: string }>().request_id;
  await until(async () => {
    const status = await get(app, `/v2/requests/${id}/status`);
    return status.statusCode === 422 || status.json<{ status: string }>().status === 'COMPLETED';
  }, `job ${id} to finish`);
  return id;
}

/** Made at most once, by the first row that needs it. */
const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
};
const completedJob = once(() => finishedJob(plain, superimposeBody));
const failedJob = once(() => finishedJob(plain, undecodable));
/** A bg-replace job forwarded to the stub, whose polls the stub answers as `prompt` says. */
const forwarded = {
  ok: once(() => forwardedJob('ok')),
  broken: once(() => forwardedJob('broken')),
  cut: once(() => forwardedJob('poll-cut')),
  hanging: once(() => forwardedJob('poll-hang', impatient)),
};
async function forwardedJob(prompt: string, app = plain): Promise<string> {
  const submitted = await post(app, '/v2/bg-replace', generativeBody['bg-replace'](prompt));
  if (submitted.statusCode !== 200) throw new Error(`Forwarding answered ${submitted.statusCode}: ${submitted.body}`);
  return submitted.json<{ request_id: string }>().request_id;
}

/** A v1 render refused for a full URL fetch queue: one fetch holds the only slot (its image never arrives until released), one waits. */
async function fetchQueueFull(url = '/v1/superimpose', body: object = superimposeBody): Promise<Answer> {
  const app = appWith({ SUPERIMPOSE_FETCH_CONCURRENCY: '1', SUPERIMPOSE_RENDER_QUEUE_LIMIT: '1', SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1' });
  const load = async () => (await get(app, '/health')).json<{ fetches_active: number; fetches_queued: number }>();
  const path = `/held${url.replaceAll('/', '-')}.png`;
  const fromHeldUrl = { ...body, base_image: `${imageHost.url}${path}` };
  const holding = post(app, url, fromHeldUrl);
  await until(async () => (await load()).fetches_active === 1, 'the held fetch to take the slot');
  const waiting = post(app, url, fromHeldUrl);
  await until(async () => (await load()).fetches_queued === 1, 'a fetch to wait');
  const refused = await post(app, url, fromHeldUrl);
  heldImage(path).release();
  await Promise.all([holding, waiting]);
  return refused;
}

/** A JSON body that announces 100 bytes and sends none until `end` sends them (not JSON: a 400 ends it). */
function stalledBody() {
  const payload = new Readable({ read() {} });
  const end = () => {
    payload.push('x'.repeat(100));
    payload.push(null);
  };
  return { payload, headers: { 'content-type': 'application/json', 'content-length': '100' }, end };
}

/** A body that stalls past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS. */
const postStalled = (url: string) => stalledBodies.inject({ method: 'POST', url, ...stalledBody() });

/** The 503s of the body bound take turns: each holds the app's only body slot with a stalled body, then posts. */
let bodySlotTurns: Promise<unknown> = Promise.resolve();
function postPastBodySlots(url: string, payload: object): Promise<Answer> {
  const turn = async () => {
    const holder = stalledBody();
    const holding = oneBodyAtATime.inject({ method: 'POST', url, payload: holder.payload, headers: holder.headers });
    await until(async () => oneBodyAtATime.bodiesInFlight.bodies === 1, 'a stalled body to hold the slot');
    const refused = await post(oneBodyAtATime, url, payload);
    holder.end();
    await holding.catch(() => undefined);
    return refused;
  };
  const answer = bodySlotTurns.then(turn, turn);
  bodySlotTurns = answer.catch(() => undefined);
  return answer;
}

/** A v2 submit refused for a full job queue: one job runs (held), one waits. */
async function jobQueueFull(url = '/v2/superimpose', body: object = superimposeBody): Promise<Answer> {
  const { app, open } = gatedJobs();
  for (let accepted = 0; accepted < 2; accepted++) {
    const res = await post(app, url, body);
    if (res.statusCode !== 200) throw new Error(`Submit ${accepted + 1} answered ${res.statusCode}`);
  }
  const refused = await post(app, url, body);
  open();
  return refused;
}

async function unfinishedResult(): Promise<Answer> {
  const { app, open } = gatedJobs();
  const id = (await post(app, '/v2/superimpose', superimposeBody)).json<{ request_id: string }>().request_id;
  const answer = await get(app, `/v2/requests/${id}`);
  open();
  return answer;
}

interface Row {
  /** As the document names it: method and path template. */
  readonly operation: string;
  readonly status: number;
  /** How the answer is provoked. */
  readonly how: string;
  readonly send: () => Promise<Answer>;
}

const row = (operation: string, status: number, how: string, send: () => Promise<Answer>): Row => ({ operation, status, how, send });
const UNKNOWN_ID = '00000000-0000-0000-0000-000000000000';
const JOB_PATHS = [
  ['GET /v2/requests/{id}/status', (id: string) => `/v2/requests/${id}/status`],
  ['GET /v2/requests/{id}', (id: string) => `/v2/requests/${id}`],
  ['GET /v2/requests/{id}/output', (id: string) => `/v2/requests/${id}/output`],
] as const;

const rows: Row[] = [
  row('POST /v1/superimpose', 200, 'a render, as image bytes', () => post(plain, '/v1/superimpose', superimposeBody)),
  row('POST /v1/superimpose', 200, 'a render with base64: true, as JSON', () => post(plain, '/v1/superimpose', { ...superimposeBody, base64: true })),
  row('POST /v1/superimpose', 400, 'an unknown resize_method', () => post(plain, '/v1/superimpose', { ...superimposeBody, resize_method: 'lanczos' })),
  row('POST /v1/superimpose', 401, 'no x-api-key where keys are configured', () => post(keyed, '/v1/superimpose', superimposeBody)),
  row('POST /v1/superimpose', 413, 'a PNG header declaring 65536x65536', () => post(plain, '/v1/superimpose', { ...superimposeBody, base_image: pngWithHeader(65536, 65536).toString('base64') })),
  row('POST /v1/superimpose', 413, 'a body over SUPERIMPOSE_MAX_BODY_BYTES', () => post(smallBodies, '/v1/superimpose', oversized)),
  row('POST /v1/superimpose', 415, 'a text/plain body', () => postText(plain, '/v1/superimpose')),
  row('POST /v1/superimpose', 429, 'the URL fetch slot held and the fetch queue full', () => fetchQueueFull()),
  row('POST /v1/superimpose', 408, 'a body stalled past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS', () => postStalled('/v1/superimpose')),
  row('POST /v1/superimpose', 503, 'SUPERIMPOSE_BODIES_IN_FLIGHT bodies being read', () => postPastBodySlots('/v1/superimpose', superimposeBody)),
  row('POST /v1/superimpose', 503, 'a render past SUPERIMPOSE_RENDER_TIMEOUT_MS', () => post(hurried, '/v1/superimpose', { ...superimposeBody, base_image: goldenBase64('flowers.jpeg') })),

  row('POST /v1/mockup', 200, 'a mockup rendered', () => post(plain, '/v1/mockup', mockupBody)),
  row('POST /v1/mockup', 400, 'an unknown blend mode', () => post(plain, '/v1/mockup', { ...mockupBody, layers: [{ ...mockupBody.layers[0], blend_mode: 'hue' }] })),
  row('POST /v1/mockup', 401, 'no x-api-key where keys are configured', () => post(keyed, '/v1/mockup', mockupBody)),
  row('POST /v1/mockup', 408, 'a body stalled past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS', () => postStalled('/v1/mockup')),
  row('POST /v1/mockup', 413, 'a body over SUPERIMPOSE_MAX_BODY_BYTES', () => post(smallBodies, '/v1/mockup', { ...mockupBody, base_image: 'A'.repeat(8192) })),
  row('POST /v1/mockup', 415, 'a text/plain body', () => postText(plain, '/v1/mockup')),
  row('POST /v1/mockup', 429, 'the URL fetch slot held and the fetch queue full', () => fetchQueueFull('/v1/mockup', mockupBody)),
  row('POST /v1/mockup', 503, 'a render past SUPERIMPOSE_RENDER_TIMEOUT_MS', () => post(hurried, '/v1/mockup', { ...mockupBody, base_image: goldenBase64('flowers.jpeg') })),
  row('POST /v2/mockup', 200, 'a job accepted', () => post(plain, '/v2/mockup', mockupBody)),
  row('POST /v2/mockup', 400, 'a quad that is not convex', () => post(plain, '/v2/mockup', { ...mockupBody, layers: [{ ...mockupBody.layers[0], quad: [[0, 0], [100, 100], [100, 0], [0, 100]] }] })),
  row('POST /v2/mockup', 401, 'no x-api-key where keys are configured', () => post(keyed, '/v2/mockup', mockupBody)),
  row('POST /v2/mockup', 408, 'a body stalled past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS', () => postStalled('/v2/mockup')),
  row('POST /v2/mockup', 413, 'a body over SUPERIMPOSE_MAX_BODY_BYTES', () => post(smallBodies, '/v2/mockup', { ...mockupBody, base_image: 'A'.repeat(8192) })),
  row('POST /v2/mockup', 415, 'a text/plain body', () => postText(plain, '/v2/mockup')),
  row('POST /v2/mockup', 429, 'the job queue full', () => jobQueueFull('/v2/mockup', mockupBody)),
  row('POST /v2/mockup', 503, 'Redis not answering', () => post(redisDown, '/v2/mockup', mockupBody)),

  row('POST /v2/superimpose', 200, 'a job accepted', () => post(plain, '/v2/superimpose', superimposeBody)),
  row('POST /v2/superimpose', 400, 'an unknown resize_method', () => post(plain, '/v2/superimpose', { ...superimposeBody, resize_method: 'lanczos' })),
  row('POST /v2/superimpose', 401, 'no x-api-key where keys are configured', () => post(keyed, '/v2/superimpose', superimposeBody)),
  row('POST /v2/superimpose', 413, 'a body over SUPERIMPOSE_MAX_BODY_BYTES', () => post(smallBodies, '/v2/superimpose', oversized)),
  row('POST /v2/superimpose', 415, 'a text/plain body', () => postText(plain, '/v2/superimpose')),
  row('POST /v2/superimpose', 429, 'the job queue full', () => jobQueueFull()),
  row('POST /v2/superimpose', 408, 'a body stalled past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS', () => postStalled('/v2/superimpose')),
  row('POST /v2/superimpose', 503, 'Redis not answering', () => post(redisDown, '/v2/superimpose', superimposeBody)),

  row('GET /v2/requests/{id}/status', 200, 'a completed job', async () => get(plain, `/v2/requests/${await completedJob()}/status`)),
  row('GET /v2/requests/{id}/status', 200, "a forwarded job: Segmind's 200, relayed", async () => get(plain, `/v2/requests/${await forwarded.ok()}/status`)),
  row('GET /v2/requests/{id}/status', 422, 'a job whose overlay does not decode', async () => get(plain, `/v2/requests/${await failedJob()}/status`)),
  row('GET /v2/requests/{id}/status', 500, "a forwarded job: Segmind's 500, relayed", async () => get(plain, `/v2/requests/${await forwarded.broken()}/status`)),

  row('GET /v2/requests/{id}', 200, 'a completed job', async () => get(plain, `/v2/requests/${await completedJob()}`)),
  row('GET /v2/requests/{id}', 200, "a forwarded job: Segmind's 200, relayed", async () => get(plain, `/v2/requests/${await forwarded.ok()}`)),
  row('GET /v2/requests/{id}', 202, 'a job still waiting for its render', unfinishedResult),
  row('GET /v2/requests/{id}', 422, 'a job whose overlay does not decode', async () => get(plain, `/v2/requests/${await failedJob()}`)),
  row('GET /v2/requests/{id}', 500, "a forwarded job: Segmind's 500, relayed", async () => get(plain, `/v2/requests/${await forwarded.broken()}`)),

  row('GET /v2/requests/{id}/output', 200, "a completed job's image", async () => get(plain, `/v2/requests/${await completedJob()}/output`)),
  row('GET /v2/requests/{id}/output', 404, 'a forwarded job, whose output is upstream', async () => get(plain, `/v2/requests/${await forwarded.ok()}/output`)),
  row('GET /v2/requests/{id}/output', 422, 'a job whose overlay does not decode', async () => get(plain, `/v2/requests/${await failedJob()}/output`)),

  // A forwarded job whose poll fails on the way: this server's own 502 and 504.
  ...JOB_PATHS.slice(0, 2).flatMap(([operation, path]) => [
    row(operation, 502, 'a forwarded job whose poll Segmind cuts off', async () => get(plain, path(await forwarded.cut()))),
    row(operation, 504, 'a forwarded job whose poll Segmind never answers', async () => get(impatient, path(await forwarded.hanging()))),
  ]),

  // The three job operations alike.
  ...JOB_PATHS.flatMap(([operation, path]) => [
    row(operation, 400, 'an empty id', () => get(plain, path(''))),
    row(operation, 404, 'an unknown id', () => get(plain, path(UNKNOWN_ID))),
    row(operation, 503, 'Redis not answering', () => get(redisDown, path(UNKNOWN_ID))),
  ]),
  row('GET /v2/requests/{id}/status', 401, 'no x-api-key where keys are configured', () => get(keyed, `/v2/requests/${UNKNOWN_ID}/status`)),
  row('GET /v2/requests/{id}', 401, 'no x-api-key where keys are configured', () => get(keyed, `/v2/requests/${UNKNOWN_ID}`)),

  row('GET /metrics', 200, 'Prometheus text', () => get(plain, '/metrics')),
  row('GET /metrics', 401, 'no x-api-key where keys are configured', () => get(keyed, '/metrics')),
  row('GET /health', 200, 'ready', () => get(plain, '/health')),
  row('GET /health', 503, 'Redis not answering', () => get(redisDown, '/health')),

  // Every generative model, v1 (relayed) and v2 (submitted, then polled here).
  ...GENERATIVE_SLUGS.flatMap((slug) =>
    (['v1', 'v2'] as const).flatMap((version) => {
      const operation = `POST /${version}/${slug}`;
      const url = `/${version}/${slug}`;
      const body = generativeBody[slug];
      return [
        row(operation, 200, version === 'v1' ? "Segmind's image, relayed" : "Segmind's submission, with local poll URLs", () => post(plain, url, body('ok'))),
        row(operation, 400, 'a seed that is not a number', () => post(plain, url, { ...body('ok'), seed: 'not a number' })),
        row(operation, 401, 'no x-api-key where keys are configured', () => post(keyed, url, body('ok'))),
        row(operation, 401, 'no Segmind key anywhere', () => post(withoutSegmindKey, url, body('ok'))),
        row(operation, 413, 'a body over SUPERIMPOSE_MAX_BODY_BYTES', () => post(smallBodies, url, body('x'.repeat(8192)))),
        row(operation, 415, 'a text/plain body', () => postText(plain, url)),
        row(operation, 408, 'a body stalled past SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS', () => postStalled(url)),
        row(operation, 503, 'SUPERIMPOSE_BODIES_IN_FLIGHT bodies being read', () => postPastBodySlots(url, body('ok'))),
        row(operation, 502, 'Segmind cutting the connection', () => post(plain, url, body('cut'))),
        row(operation, 504, 'Segmind never answering within SEGMIND_TIMEOUT_MS', () => post(impatient, url, body('hang'))),
        ...(version === 'v2' ? [row(operation, 503, 'Redis not answering once Segmind accepted the job', () => post(redisDown, url, body('ok')))] : []),
      ];
    }),
  ),
];

let document: OpenApiDocument;
let operations: Map<string, Operation>;
/** Each row's answer. All are sent at once: the rows that wait (on Redis, on timeouts) wait together rather than in turn. */
const answers = new Map<Row, PromiseSettledResult<Answer>>();
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv2020({ strict: false, allErrors: true, formats: FORMATS });

/** The documented schema as a validator; #/components/schemas/X refs resolve against the document's components. */
function validatorFor(key: string, schema: JsonSchema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(typeof schema === 'boolean' ? schema : { ...schema, components: document.components ?? {} });
    validators.set(key, validate);
  }
  return validate;
}

/** Whether a concrete path is an instance of a path template. */
const instanceOf = (template: string, path: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]*')}$`).test(path);

beforeAll(async () => {
  document = (await plain.inject({ url: OPENAPI_PATH })).json<OpenApiDocument>();
  operations = operationsOf(document);
  const settled = await Promise.allSettled(rows.map((r) => r.send()));
  rows.forEach((r, i) => answers.set(r, settled[i]!));
}, 30_000);

afterAll(async () => {
  releaseHeldImages();
  for (const open of gates) open();
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all([segmind.close(), imageHost.close()]);
});

describe('the OpenAPI document', () => {
  it('documents every registered route, and every operation it documents is a registered route', () => {
    expect(registered.size).toBeGreaterThan(0);
    expect([...operations.keys()].sort()).toEqual([...registered].sort());
  });

  it('describes the same operations and responses whether or not API keys are configured', async () => {
    const keyedDocument = (await keyed.inject({ url: OPENAPI_PATH })).json<OpenApiDocument>();
    expect(keyedDocument.paths).toEqual(document.paths);
  });

  it('uses only string formats that the validator checks', () => {
    const formats = new Set([...JSON.stringify(document).matchAll(/"format":"([^"]+)"/g)].map((match) => match[1]));
    expect([...formats].filter((format) => format === undefined || !(format in FORMATS))).toEqual([]);
  });
});

describe('every answer as the document says', () => {
  it.each(rows.map((r) => [`${r.operation} ${r.status}: ${r.how}`, r] as const))('%s', async (_name, r) => {
    const settled = answers.get(r);
    if (settled?.status !== 'fulfilled') throw settled?.reason ?? new Error('not sent');
    const answer = settled.value;
    const operation = operations.get(r.operation);
    expect(operation, `${r.operation} is not in the document`).toBeDefined();
    if (!operation) return;
    // The row did reach the operation it names.
    const [method, template] = r.operation.split(' ') as [string, string];
    expect(answer.raw.req.method).toBe(method);
    expect(instanceOf(template, new URL(answer.raw.req.url ?? '', 'http://loopback').pathname), `${answer.raw.req.url} is not ${template}`).toBe(true);

    expect(answer.statusCode, answer.body.slice(0, 300)).toBe(r.status);
    const key = responseKey(operation, answer.statusCode);
    expect(key, `${answer.statusCode} is not documented for ${r.operation}`).toBeDefined();
    const response = operation.responses[key ?? ''];
    if (!response) return;

    const content = response.content ?? {};
    const answered = mediaTypeOf(answer.headers['content-type']);
    const documented = documentedMediaType(Object.keys(content), answered);
    expect(documented, `${answered} is not among ${Object.keys(content).join(', ')} for ${r.operation} ${key}`).toBeDefined();
    const schema = content[documented ?? '']?.schema;
    if (schema === undefined) return;
    // A JSON answer is its parsed body to the schema; any other is its text (a "binary" string).
    const value: unknown = isJson(answered) ? JSON.parse(answer.body) : answer.body;
    const validate = validatorFor(`${r.operation} ${key} ${documented}`, schema);
    expect(validate(value), `${r.operation} ${key}: ${ajv.errorsText(validate.errors)}\n${answer.body.slice(0, 300)}`).toBe(true);
  });

  it('provokes every documented response of every operation, `default` included', () => {
    const provoked = new Set<string>();
    for (const [r, settled] of answers) {
      const operation = operations.get(r.operation);
      const key = operation && settled.status === 'fulfilled' ? responseKey(operation, settled.value.statusCode) : undefined;
      if (key) provoked.add(`${r.operation} ${key}`);
    }
    const documented = [...operations].flatMap(([name, operation]) => Object.keys(operation.responses).map((key) => `${name} ${key}`));
    expect([...provoked].sort()).toEqual(documented.sort());
  });
});
