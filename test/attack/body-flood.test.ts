import { connect, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/server.js';
import { buildApp } from '../../src/http/app.js';

/**
 * The flood that once held gigabytes: 40 connections each sending a 90 MiB
 * JSON body, against the default bounds (SUPERIMPOSE_BODIES_IN_FLIGHT,
 * SUPERIMPOSE_BODY_BYTES_IN_FLIGHT). The server lives in this process, so the
 * process's RSS is its memory; the clients write one shared chunk over and
 * over, and hold next to nothing.
 */

const MiB = 1024 * 1024;
const CONNECTIONS = 40;
const BODY_BYTES = 90 * MiB;

const app = buildApp(loadConfig({ LOG_LEVEL: 'silent' }));
/** Statuses as the server sent them: a client busy writing its body may lose an answer to the connection's reset. */
const answered: number[] = [];
app.addHook('onResponse', async (request, reply) => {
  if (request.method === 'POST') answered.push(reply.statusCode);
});
let port = 0;
/** RSS before any flood: both floods are held to it, so the second cannot hide in the first one's leftovers. */
let baseline = 0;
beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
  baseline = process.memoryUsage().rss;
});
afterAll(async () => {
  await app.close();
});

const head = Buffer.from('{"base_image":"');
const tail = Buffer.from('"}');
const filler = Buffer.alloc(64 * 1024, 'A');

type Framing = 'content-length' | 'chunked';

/** One upload of a 90 MiB body of base64 text, written as fast as the server reads it; the status the client read (0 for none). */
function flood(framing: Framing): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let written = 0;
    const send = (chunk: Buffer): boolean => {
      if (framing === 'content-length') return socket.write(chunk);
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      return socket.write(written === BODY_BYTES ? '\r\n0\r\n\r\n' : '\r\n');
    };
    const pump = () => {
      while (!socket.destroyed && answer === '' && written < BODY_BYTES) {
        const left = BODY_BYTES - written;
        const chunk = written === 0 ? head : left === tail.length ? tail : filler.subarray(0, Math.min(filler.length, left - tail.length));
        written += chunk.length;
        if (!send(chunk)) return void socket.once('drain', pump);
      }
    };
    const length = framing === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${BODY_BYTES}`;
    socket.write(`POST /v1/superimpose HTTP/1.1\r\nHost: loopback\r\nConnection: close\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
    pump();
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1', 0, Math.min(data.length, 64))));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

const tally = (statuses: readonly number[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

interface Case {
  readonly framing: Framing;
  /** Refusals expected at least: a declared length is refused before it is read, a chunked body once the running total passes the bound. */
  readonly refused: number;
  /** Peak RSS growth allowed over the RSS before any flood. */
  readonly rssGrowth: number;
}

const cases: Case[] = [
  // 90 MiB fits once in the default 128 MiB, twice does not: one body is read, parsed and answered at a time.
  { framing: 'content-length', refused: CONNECTIONS - 2, rssGrowth: 400 * MiB },
  // Chunked bodies cannot be turned away before they are read: each takes its part of the bound as it comes,
  // and those refused midway have been partly read, so more memory passes through, though far from unbounded.
  { framing: 'chunked', refused: CONNECTIONS / 2, rssGrowth: 1024 * MiB },
];

describe('a flood of large bodies', () => {
  it.each(cases.map((c) => [c.framing, c] as const))(`${CONNECTIONS} connections of ${BODY_BYTES / MiB} MiB, %s: refused, RSS bounded, /health answering`, async (_name, { framing, refused, rssGrowth }) => {
    answered.length = 0;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

    let flooding = true;
    const health: { status: number; ms: number }[] = [];
    const probing = (async () => {
      while (flooding) {
        const started = performance.now();
        const status = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) }).then(
          (res) => res.status,
          () => 0,
        );
        health.push({ status, ms: performance.now() - started });
        await sleep(100);
      }
    })();

    const read = await Promise.all(Array.from({ length: CONNECTIONS }, () => flood(framing)));
    flooding = false;
    await probing;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const latencies = health.map((h) => h.ms).sort((a, b) => a - b);
    const growth = peak - baseline;
    console.log(
      `body flood (${framing}): ${CONNECTIONS} x ${BODY_BYTES} bytes; server answered ${JSON.stringify(tally(answered))}, clients read ${JSON.stringify(tally(read))} (0: reset before the answer was read); ` +
        `peak RSS growth ${(growth / MiB).toFixed(0)} MiB; ` +
        `/health ${health.filter((h) => h.status === 200).length}/${health.length} answered 200, median ${latencies[latencies.length >> 1]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
    );

    expect(tally(answered)[503] ?? 0).toBeGreaterThanOrEqual(refused);
    expect(growth).toBeLessThan(rssGrowth);
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((h) => h.status === 200)).toBe(true);
    await expect.poll(() => app.bodiesInFlight).toEqual({ bodies: 0, bytes: 0 });
  });
});
