import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type ServerConfig } from '../../src/config/server.js';
import { buildApp } from '../../src/http/app.js';
import { goldenBase64 } from '../helpers/http.js';

/**
 * Request bodies in flight, bounded in count and bytes, and slow uploads cut,
 * against real listening apps with small bounds: uploads written by hand on
 * raw sockets, so that a test knows exactly how much of a body was sent when
 * the answer came.
 */

const config = (env: Record<string, string>): ServerConfig => loadConfig({ LOG_LEVEL: 'silent', ...env });

/** Two bodies or 100000 bytes at once; pauses are generous, so that only the bounds under test refuse. */
const flood = buildApp(config({ SUPERIMPOSE_BODIES_IN_FLIGHT: '2', SUPERIMPOSE_BODY_BYTES_IN_FLIGHT: '100000', SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS: '5000', SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND: '0' }));
/** Impatient: a 500 ms pause, and at least 4000 bytes/s once that has passed; bodies of at most 50000 bytes. */
const slow = buildApp(config({ SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS: '500', SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND: '4000', SUPERIMPOSE_MAX_BODY_BYTES: '50000' }));
const apps = [flood, slow];
const ports = new Map<FastifyInstance, number>();

beforeAll(async () => {
  for (const app of apps) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    ports.set(app, (app.server.address() as AddressInfo).port);
  }
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly error: string | undefined;
  /** Milliseconds from the request's headers to the whole answer. */
  readonly ms: number;
  /** Bytes of body the client had written when the answer began to arrive. */
  readonly sent: number;
  /** Whether the server closed the connection after answering. */
  readonly closed: boolean;
}

interface Upload {
  readonly socket: Socket;
  /** The answer, once it has arrived in full (or the connection closed). */
  readonly answer: Promise<Answer>;
  /** Writes that many bytes of filler, or that text. */
  write(body: number | string): void;
}

const open: Upload[] = [];

/** A keep-alive POST on a raw socket: headers now, the body as the test writes it; the server decides whether to close. */
function upload(app: FastifyInstance, framing: { contentLength: number } | 'chunked', contentType = 'application/json'): Upload {
  const length = framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${framing.contentLength}`;
  const socket = connect(ports.get(app)!, '127.0.0.1');
  const started = performance.now();
  socket.write(`POST /v1/superimpose HTTP/1.1\r\nHost: loopback\r\nContent-Type: ${contentType}\r\n${length}\r\n\r\n`);
  let written = 0;
  let sentAtAnswer = -1;
  let text = '';
  const closed = new Promise<true>((resolve) => socket.on('close', () => resolve(true)));
  const whole = () => {
    const end = text.indexOf('\r\n\r\n');
    const length = end < 0 ? undefined : /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
    return length !== undefined && text.length - end - 4 >= Number(length);
  };
  const arrived = new Promise<number>((resolve) => {
    socket.on('data', (data: Buffer) => {
      if (sentAtAnswer < 0) sentAtAnswer = written;
      text += data.toString();
      if (whole()) resolve(performance.now() - started);
    });
    void closed.then(() => resolve(performance.now() - started));
  });
  socket.on('error', () => {});
  const answer = arrived.then(async (ms): Promise<Answer> => {
    const isClosed = await Promise.race([closed, sleep(1000).then(() => false)]);
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);
    let error: string | undefined;
    try {
      error = (JSON.parse(body) as { error?: string }).error;
    } catch {
      error = undefined;
    }
    return { status, headers, error, ms, sent: sentAtAnswer, closed: isClosed };
  });
  const up: Upload = {
    socket,
    answer,
    write(body) {
      if (socket.destroyed) return;
      const data = typeof body === 'number' ? Buffer.alloc(body, 'A') : Buffer.from(body);
      socket.write(framing === 'chunked' ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data);
      written += data.length;
    },
  };
  open.push(up);
  return up;
}

const inFlight = (app: FastifyInstance) => app.bodiesInFlight;

/** An upload the server has counted, holding its place with one byte of body sent. */
async function held(app: FastifyInstance, contentLength: number): Promise<Upload> {
  const before = inFlight(app).bodies;
  const up = upload(app, { contentLength });
  up.write(1);
  await expect.poll(() => inFlight(app).bodies).toBe(before + 1);
  return up;
}

/** Writes `bytes` every `everyMs` until the server answers. */
async function trickle(up: Upload, bytes: number, everyMs: number): Promise<Answer> {
  let answered = false;
  up.socket.once('data', () => (answered = true));
  while (!answered && !up.socket.destroyed) {
    up.write(bytes);
    await sleep(everyMs);
  }
  return up.answer;
}

afterEach(async () => {
  for (const up of open.splice(0)) up.socket.destroy();
  // Every way a body ends gives its reservation back.
  for (const app of apps) await expect.poll(() => inFlight(app)).toEqual({ bodies: 0, bytes: 0 });
});

interface Case {
  readonly name: string;
  readonly provoke: () => Promise<Answer>;
  readonly status: number;
  readonly message: RegExp;
  /** Checks particular to the case. */
  readonly also?: (answer: Answer) => void;
}

const refusedUnread = (answer: Answer) => {
  expect(answer.sent).toBe(0);
  expect(answer.ms).toBeLessThan(1000);
};

const cases: Case[] = [
  {
    name: 'one body past SUPERIMPOSE_BODIES_IN_FLIGHT, refused before a byte of it is sent',
    provoke: async () => {
      await held(flood, 1000);
      await held(flood, 1000);
      return upload(flood, { contentLength: 1000 }).answer;
    },
    status: 503,
    message: /Too many requests with bodies in hand \(2, SUPERIMPOSE_BODIES_IN_FLIGHT\): retry later/,
    also: refusedUnread,
  },
  {
    name: 'a declared Content-Length that would pass SUPERIMPOSE_BODY_BYTES_IN_FLIGHT, refused before it is read',
    provoke: async () => {
      await held(flood, 60_000);
      return upload(flood, { contentLength: 50_000 }).answer;
    },
    status: 503,
    message: /hold 60000 of 100000 bytes \(SUPERIMPOSE_BODY_BYTES_IN_FLIGHT\), too many for 50000 more/,
    also: refusedUnread,
  },
  {
    name: 'a chunked body passing SUPERIMPOSE_BODY_BYTES_IN_FLIGHT as it arrives',
    provoke: async () => {
      await held(flood, 60_000);
      const up = upload(flood, 'chunked');
      const answer = await trickle(up, 10_000, 20);
      // Refused at the chunk that passed the bound, not at the end of the body.
      expect(answer.sent).toBeGreaterThan(40_000);
      expect(answer.sent).toBeLessThan(100_000);
      return answer;
    },
    status: 503,
    message: /passed 100000 bytes \(SUPERIMPOSE_BODY_BYTES_IN_FLIGHT\)/,
  },
  {
    name: 'one declared body larger than SUPERIMPOSE_BODY_BYTES_IN_FLIGHT on its own: waiting cannot help',
    provoke: () => upload(flood, { contentLength: 150_000 }).answer,
    status: 413,
    message: /150000 bytes.*\(100000, SUPERIMPOSE_BODY_BYTES_IN_FLIGHT\)/,
    also: (answer) => expect(answer.headers['retry-after']).toBeUndefined(),
  },
  {
    name: 'a declared body over SUPERIMPOSE_MAX_BODY_BYTES stays 413, with nothing of it read',
    provoke: () => upload(slow, { contentLength: 200 * 1024 * 1024 }).answer,
    status: 413,
    message: /SUPERIMPOSE_MAX_BODY_BYTES/,
    also: refusedUnread,
  },
  {
    name: 'a chunked body passing SUPERIMPOSE_MAX_BODY_BYTES stays 413, and the rest is not read',
    provoke: () => trickle(upload(slow, 'chunked'), 10_000, 20),
    status: 413,
    message: /SUPERIMPOSE_MAX_BODY_BYTES/,
  },
  {
    name: 'a body not JSON, answered before it is read',
    provoke: async () => {
      const up = upload(slow, { contentLength: 1000 }, 'text/plain');
      up.write(10);
      return up.answer;
    },
    status: 415,
    message: /application\/json/,
  },
  {
    name: 'a body that stops arriving: 408 after SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS',
    provoke: async () => {
      // Enough at first for the rate floor: only the pause is at fault.
      const up = upload(slow, { contentLength: 10_000 });
      up.write(3000);
      return up.answer;
    },
    status: 408,
    message: /No bytes of the request body arrived for 500 ms \(SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS\)/,
    also: (answer) => expect(answer.ms).toBeLessThan(500 + 1000),
  },
  {
    name: 'a body trickling under SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND, never pausing long',
    provoke: () => trickle(upload(slow, { contentLength: 40_000 }), 200, 100),
    status: 408,
    message: /arrives at \d+ bytes\/s, under the floor of 4000 bytes\/s \(SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND\)/,
    also: (answer) => {
      // Judged only once the first idle period has passed.
      expect(answer.ms).toBeGreaterThanOrEqual(500);
      expect(answer.ms).toBeLessThan(500 + 1000);
    },
  },
];

describe('request bodies in flight', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const answer = await c.provoke();
    expect(answer.status).toBe(c.status);
    expect(answer.error).toMatch(c.message);
    // Refused bodies are not read to their end only to be discarded.
    expect(answer.headers.connection).toBe('close');
    expect(answer.closed).toBe(true);
    if (c.status === 503) expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    c.also?.(answer);
  });

  it('answers /health at once while uploads hold every slot', async () => {
    await held(flood, 40_000);
    await held(flood, 40_000);
    expect((await upload(flood, { contentLength: 10 }).answer).status).toBe(503);
    const probes: { status: number; ms: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const { status } = await fetch(`http://127.0.0.1:${ports.get(flood)}/health`);
      probes.push({ status, ms: performance.now() - started });
    }
    console.log(`body flood: /health answered ${probes.map((p) => `${p.status} in ${p.ms.toFixed(1)} ms`).join(', ')} with ${inFlight(flood).bodies} bodies (${inFlight(flood).bytes} bytes) in flight`);
    expect(probes.every((p) => p.status === 200)).toBe(true);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(1000);
    expect(inFlight(flood)).toEqual({ bodies: 2, bytes: 80_000 });
  });

  it('gives a slot back when its client goes away mid-body, and takes the next body', async () => {
    const leaving = await held(flood, 1000);
    await held(flood, 1000);
    leaving.socket.destroy();
    await expect.poll(() => inFlight(flood).bodies).toBe(1);
    const json = JSON.stringify({ base_image: 'x' });
    const next = upload(flood, { contentLength: json.length });
    next.write(json);
    // Read in full, then refused by validation: the slot was taken and given back, and the connection kept.
    const answer = await next.answer;
    expect(answer.status).toBe(400);
    expect(answer.closed).toBe(false);
  });

  it('serves a render under the bounds and counts nothing once its body is read', async () => {
    const body = JSON.stringify({ base_image: goldenBase64('mask-radial-256x192.png'), overlay_image: goldenBase64('swiss.png') });
    const res = await fetch(`http://127.0.0.1:${ports.get(slow)}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(inFlight(slow)).toEqual({ bodies: 0, bytes: 0 });
  });
});
