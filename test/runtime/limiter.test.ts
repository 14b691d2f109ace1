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

describe('RenderLimiter with a budget', () => {
  it('admits while the weights fit, queues the next, and starts it once enough is freed', async () => {
    const limiter = new RenderLimiter({ concurrency: 4, queueLimit: 4, budget: 100 });
    const a = deferred();
    const b = deferred();
    const first = limiter.run(() => a.promise, { weight: 60 });
    const second = limiter.run(() => b.promise, { weight: 40 });
    let thirdRan = false;
    const third = limiter.run(async () => (thirdRan = true), { weight: 50 });
    expect([limiter.active, limiter.queued, limiter.held]).toEqual([2, 1, 100]);
    b.resolve();
    await second;
    // 60 + 50 does not fit: it still waits.
    expect([thirdRan, limiter.queued, limiter.held]).toEqual([false, 1, 60]);
    a.resolve();
    await first;
    await third;
    expect([thirdRan, limiter.active, limiter.held]).toEqual([true, 0, 0]);
  });

  it('keeps arrival order: a light task does not overtake a heavy one waiting at the head', async () => {
    const limiter = new RenderLimiter({ concurrency: 4, queueLimit: 4, budget: 100 });
    const gate = deferred();
    const started: string[] = [];
    const running = limiter.run(() => gate.promise, { weight: 60 });
    const heavy = limiter.run(async () => started.push('heavy'), { weight: 80 });
    const light = limiter.run(async () => started.push('light'), { weight: 10 });
    expect(limiter.queued).toBe(2);
    gate.resolve();
    await Promise.all([running, heavy, light]);
    expect(started).toEqual(['heavy', 'light']);
  });

  it('runs a task heavier than the budget alone rather than never', async () => {
    const limiter = new RenderLimiter({ concurrency: 2, queueLimit: 2, budget: 100 });
    expect(await limiter.run(async () => limiter.held, { weight: 500 })).toBe(500);
  });

  it('lets waiters behind a cancelled head start when they fit', async () => {
    const limiter = new RenderLimiter({ concurrency: 4, queueLimit: 4, budget: 100 });
    const gate = deferred();
    const running = limiter.run(() => gate.promise, { weight: 60 });
    const controller = new AbortController();
    const heavy = limiter.run(async () => 'heavy', { weight: 80, signal: controller.signal });
    const light = limiter.run(async () => 'light', { weight: 10 });
    controller.abort();
    await expect(heavy).rejects.toMatchObject({ code: 'cancelled' });
    expect(await light).toBe('light');
    gate.resolve();
    await running;
  });

  it('names what waits in its 429', async () => {
    const limiter = new RenderLimiter({ concurrency: 1, queueLimit: 0, what: 'URL fetches', names: { renderQueueLimit: 'SUPERIMPOSE_RENDER_QUEUE_LIMIT' } });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    await expect(limiter.run(async () => 0)).rejects.toThrow('Too many URL fetches waiting (0, SUPERIMPOSE_RENDER_QUEUE_LIMIT): retry later');
    gate.resolve();
    await first;
  });
});
