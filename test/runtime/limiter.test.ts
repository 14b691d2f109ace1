import { describe, expect, it } from 'vitest';
import { RenderLimiter } from '../../src/runtime/limiter.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('RenderLimiter', () => {
  it('runs at most `concurrency` tasks, queues the next ones and refuses past the queue limit with a 429', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 1 });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const second = limiter.run(async () => 'second');
    expect([limiter.active, limiter.queued]).toEqual([1, 1]);
    await expect(limiter.run(async () => 'third')).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
    gate.resolve();
    await first;
    expect(await second).toBe('second');
    expect([limiter.active, limiter.queued]).toEqual([0, 0]);
  });

  it('lets accepted work wait however long the queue is', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 0 });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const accepted = limiter.run(async () => 'accepted', { queued: 'always' });
    gate.resolve();
    await first;
    expect(await accepted).toBe('accepted');
  });

  it('drops a waiter whose client has gone, without running it', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 5 });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const gone = limiter.run(async () => (ran = true), { signal: controller.signal });
    expect(limiter.queued).toBe(1);
    controller.abort();
    await expect(gone).rejects.toMatchObject({ code: 'cancelled' });
    expect(limiter.queued).toBe(0);
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('frees the slot when a task throws', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 1 });
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });
});
