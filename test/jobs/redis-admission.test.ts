import { randomUUID } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { SuperimposeError } from '../../src/contract/errors.js';
import { JobLifecycle, type JobExecutor, type JobQueue, type QueuedJob } from '../../src/jobs/lifecycle.js';
import { redisBackend } from '../../src/jobs/redis.js';
import { startTestRedis } from '../helpers/redis.js';

const redis = await startTestRedis();
afterAll(() => redis?.stop());

const output = { data: Buffer.from('image'), format: 'png', base64: false } as const;

/** One instance of a deployment: connections of its own to the Redis every instance shares. */
function instance(prefix: string, options: { queueLimit?: number; waitMs?: number; url?: string; queue?: (queue: JobQueue<string>) => JobQueue<string> } = {}) {
  const backend = redisBackend<string>({ url: options.url ?? redis!.url, prefix, ttlMs: 60_000, attempts: 1, lockMs: 1000, waitMs: options.waitMs ?? 2000 });
  const queue = options.queue?.(backend.queue) ?? backend.queue;
  const lifecycle = new JobLifecycle(backend.storage, queue, { queueLimit: options.queueLimit ?? 10, maxResultBytes: 1000, attempts: 1 });
  return { backend, lifecycle, close: () => backend.close(1000) };
}

/** Submits `count` jobs at once, alternating between the instances; how many each had admitted and how the rest were refused. */
async function race(lifecycles: JobLifecycle<string>[], count: number) {
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => lifecycles[i % lifecycles.length]!.submit(`job ${i}`)));
  const perInstance = lifecycles.map((_, which) => results.filter((result, i) => i % lifecycles.length === which && result.status === 'fulfilled').length);
  const refusals = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as SuperimposeError).status] : []));
  return { admitted: perInstance.reduce((sum, n) => sum + n, 0), perInstance, refusals };
}

/** Polls `condition`; a poll that throws (Redis not answering in time) counts as not yet. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`not so after ${timeoutMs} ms`);
    await sleep(25);
  }
}

describe.runIf(redis)('Redis admission', () => {
  it('admits exactly queueLimit of 50 concurrent submits from two instances, and answers the rest 429', async () => {
    const prefix = `test-${randomUUID()}`;
    const a = instance(prefix);
    const b = instance(prefix);
    try {
      const { admitted, refusals } = await race([a.lifecycle, b.lifecycle], 50);
      expect(admitted).toBe(10);
      expect(refusals).toEqual(Array.from({ length: 40 }, () => 429));
      expect(await a.lifecycle.pending()).toBe(10);
      expect(await b.lifecycle.pending()).toBe(10);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('frees the places of jobs a worker has taken, and of a submit that died holding one', async () => {
    const prefix = `test-${randomUUID()}`;
    // A place lives 3 × waitMs + 2 s.
    const a = instance(prefix, { queueLimit: 3, waitMs: 100 });
    const b = instance(prefix, { queueLimit: 3, waitMs: 100 });
    let worker: { close: () => Promise<void> } | undefined;
    try {
      // An instance that took a place and died before queueing its job.
      expect(await a.backend.queue.reserve(randomUUID(), 3)).toBe(true);
      expect((await race([a.lifecycle, b.lifecycle], 6)).admitted).toBe(2);
      await sleep(2400);
      expect((await race([a.lifecycle, b.lifecycle], 6)).admitted).toBe(1);

      // Jobs leave the waiting count as a worker takes them.
      let renders = 0;
      worker = b.backend.startWorker(2, b.lifecycle, async () => (renders++, output));
      await until(async () => (await a.lifecycle.pending()) === 0);
      await worker.close();
      expect(renders).toBe(3);
      expect((await race([a.lifecycle, b.lifecycle], 6)).admitted).toBe(3);
    } finally {
      await worker?.close();
      await a.close();
      await b.close();
    }
  });
});

describe.runIf(redis)('Redis submit that outlives waitMs', () => {
  /**
   * A way to the test Redis that can be stalled: commands sent while it is
   * held reach Redis when it lets go, in order, as over a slow network. Only
   * this instance sees Redis slow; others sharing it do not.
   */
  async function stallable() {
    const target = new URL(redis!.url);
    let heldUntil = 0;
    const sockets = new Set<Socket>();
    const server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => {});
        socket.on('close', () => (client.destroy(), upstream.destroy()));
      }
      upstream.pipe(client);
      client.on('data', (chunk) => {
        const wait = heldUntil - Date.now();
        if (wait <= 0) return void upstream.write(chunk);
        client.pause();
        setTimeout(() => (upstream.write(chunk), client.resume()), wait);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
      hold: (ms: number) => void (heldUntil = Date.now() + ms),
      close: () => {
        for (const socket of sockets) socket.destroy();
        server.close();
      },
    };
  }

  /** An instance whose queue add finds Redis stalled for holdMs. */
  async function stalled(holdMs: number) {
    const way = await stallable();
    const added: QueuedJob<string>[] = [];
    const slow = (queue: JobQueue<string>): JobQueue<string> => ({
      ...queue,
      add: async (job) => {
        added.push(job);
        way.hold(holdMs);
        return queue.add(job);
      },
    });
    const front = instance(`test-${randomUUID()}`, { waitMs: 500, url: way.url, queue: slow });
    return { ...front, added, close: async () => (await front.close(), way.close()) };
  }

  const refusal = { status: 503, message: 'The job store (Redis) gave no answer within 500 ms (redis.waitMs): retry later' };

  it('answers 503 and withdraws the job: the record cancelled, the job out of the queue', async () => {
    // The add outlives waitMs; the withdrawal, within its own bound, does not.
    const front = await stalled(800);
    try {
      await expect(front.lifecycle.submit('payload')).rejects.toMatchObject(refusal);
      const id = front.added[0]!.id;
      expect(await front.backend.storage.get(id)).toMatchObject({ status: 'cancelled', reason: 'The submit failed before the job was accepted' });
      expect(await front.lifecycle.pending()).toBe(0);
    } finally {
      await front.close();
    }
  });

  it('answers 503, and a worker skips the job when it lands after all, even though the withdrawal timed out too', async () => {
    const front = await stalled(2000);
    let renders = 0;
    const execute: JobExecutor<string> = async () => (renders++, output);
    let worker: { close: () => Promise<void> } | undefined;
    try {
      await expect(front.lifecycle.submit('payload')).rejects.toMatchObject(refusal);
      const id = front.added[0]!.id;
      // Redis answers again: the add lands, then the withdrawal behind it.
      await until(async () => (await front.backend.storage.get(id))?.status === 'cancelled');
      expect(await front.lifecycle.pending()).toBe(1);
      worker = front.backend.startWorker(1, front.lifecycle, execute);
      await until(async () => (await front.lifecycle.pending()) === 0);
      expect(renders).toBe(0);
      expect(await front.backend.storage.get(id)).toMatchObject({ status: 'cancelled' });
    } finally {
      await worker?.close();
      await front.close();
    }
  });
});
