import { afterEach, describe, expect, it, vi } from 'vitest';
import { Previewer, render, type RenderOutcome, type Scheduled } from '../../src/playground/preview.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** fetch answering `answer` once let go by `release`; aborted like the browser's, by its signal. */
function heldFetch(answer: () => Response) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const fetch = vi.fn(
    (_url: string, init: { signal: AbortSignal }) =>
      new Promise<Response>((resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(new Error('aborted')));
        void released.then(() => resolve(answer()));
      }),
  );
  return { fetch, release };
}

const jsonAnswer = (value: unknown) => new Response(JSON.stringify(value), { status: 200, headers: { 'content-type': 'application/json' } });

describe('render', () => {
  it('says a JSON answer without an image holds none, rather than that the server could not be reached', async () => {
    vi.stubGlobal('fetch', async () => jsonAnswer({ width: 1 }));
    expect(await render('/v1/mockup', '{}', '', new AbortController().signal)).toEqual({ ok: false, status: 200, message: 'The server answered JSON without an image' });
    vi.stubGlobal('fetch', async () => jsonAnswer({ image: 'not base64!' }));
    expect(await render('/v1/mockup', '{}', '', new AbortController().signal)).toMatchObject({ ok: false, message: expect.stringMatching(/not base64/) });
    vi.stubGlobal('fetch', async () => jsonAnswer({ image: Buffer.from('abc').toString('base64') }));
    const outcome = await render('/v1/mockup', '{}', '', new AbortController().signal);
    expect(outcome.ok && Buffer.from(await outcome.image.arrayBuffer()).toString()).toBe('abc');
  });
});

describe('Previewer', () => {
  it('gives each outcome with the request it answers, key included', async () => {
    vi.stubGlobal('fetch', async () => new Response('bytes', { status: 200, headers: { 'content-type': 'image/png' } }));
    const outcomes: [RenderOutcome, Scheduled<string>][] = [];
    const previewer = new Previewer<string>(0, (outcome, request) => outcomes.push([outcome, request]), () => {});
    previewer.schedule({ key: 'mockup', endpoint: '/v1/mockup', body: '{"a":1}', apiKey: '' });
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]![1]).toEqual({ key: 'mockup', endpoint: '/v1/mockup', body: '{"a":1}', apiKey: '' });
  });

  it('once cancelled, gives no outcome for the request in flight and is no longer busy', async () => {
    const held = heldFetch(() => new Response('bytes', { status: 200 }));
    vi.stubGlobal('fetch', held.fetch);
    const outcomes: RenderOutcome[] = [];
    const busy: boolean[] = [];
    const previewer = new Previewer<string>(0, (outcome) => outcomes.push(outcome), (now) => busy.push(now));
    previewer.schedule({ key: 'mockup', endpoint: '/v1/mockup', body: '{}', apiKey: '' });
    await vi.waitFor(() => expect(held.fetch).toHaveBeenCalled());
    expect(busy).toEqual([true]);
    previewer.cancel();
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outcomes).toEqual([]);
    expect(busy.at(-1)).toBe(false);
  });
});
