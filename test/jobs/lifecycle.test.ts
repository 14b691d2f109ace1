import { describe, expect, it } from 'vitest';
import { SuperimposeError } from '../../src/contract/errors.js';
import { JobLifecycle, type JobExecutor, type JobQueue, type QueuedJob } from '../../src/jobs/lifecycle.js';
import { LocalJobQueue } from '../../src/jobs/local-queue.js';
import type { JobOutput, JobRecord } from '../../src/jobs/record.js';
import { MemoryJobStorage } from '../../src/jobs/storage.js';

const output: JobOutput = { data: Buffer.from('image'), format: 'png', base64: false };
const never = new AbortController().signal;

/** A queue that only holds what it is given, `afterAdd` then run: the lifecycle alone is under test. */
function heldQueue(afterAdd?: (job: QueuedJob<string>) => Promise<void>): JobQueue<string> & { readonly jobs: QueuedJob<string>[] } {
  const jobs: QueuedJob<string>[] = [];
  return {
    jobs,
    reserve: async (_id, limit) => jobs.length < limit,
    pending: async () => jobs.length,
    add: async (job) => {
      jobs.push(job);
      await afterAdd?.(job);
    },
    withdraw: async (id) => {
      const index = jobs.findIndex((job) => job.id === id);
      if (index >= 0) jobs.splice(index, 1);
    },
  };
}

function lifecycle(options: { attempts?: number; maxResultBytes?: number; queueLimit?: number; afterAdd?: (job: QueuedJob<string>) => Promise<void> } = {}) {
  const storage = new MemoryJobStorage(60_000);
  const queue = heldQueue(options.afterAdd);
  const bugs: unknown[] = [];
  const jobs = new JobLifecycle(storage, queue, { queueLimit: options.queueLimit ?? 10, maxResultBytes: options.maxResultBytes ?? 1000, attempts: options.attempts ?? 1, onBug: (error) => bugs.push(error) });
  return { jobs, queue, bugs, storage };
}

const strip = (record: JobRecord | undefined) => record && { ...record, id: 'id', createdAt: 0, ...('seconds' in record ? { seconds: typeof record.seconds } : {}) };

describe('JobLifecycle', () => {
  it.each<[string, JobExecutor<string>, { attempts?: number; maxResultBytes?: number; attempt?: number }, string, object]>([
    ['succeeds with its output', async () => output, {}, 'succeeded', { status: 'succeeded', output, seconds: 'number' }],
    ['fails at once on a request error, with its message', async () => Promise.reject(new SuperimposeError('invalid_image', 'Expected a decodable image for base_image')), { attempts: 3 }, 'failed', { status: 'failed', error: 'Expected a decodable image for base_image', seconds: 'number' }],
    ['fails an output over maxResultBytes', async () => ({ ...output, data: Buffer.alloc(1001) }), {}, 'failed', { status: 'failed', error: 'The result is 1001 bytes, over maxResultBytes (1000)', seconds: 'number' }],
    ['fails a bug on its last try, saying nothing of it', async () => Promise.reject(new TypeError('secret')), {}, 'failed', { status: 'failed', error: 'Internal error while rendering', seconds: 'number' }],
    ['leaves a bug with tries left for another try, still running', async () => Promise.reject(new TypeError('secret')), { attempts: 3, attempt: 2 }, 'retry', { status: 'running' }],
    ['counts the tries a bug used up', async () => Promise.reject(new TypeError('secret')), { attempts: 3, attempt: 3 }, 'failed', { status: 'failed', error: 'Internal error while rendering, after 3 attempts', seconds: 'number' }],
  ])('%s', async (_name, execute, options, outcome, record) => {
    const { jobs, queue, storage } = lifecycle(options);
    const submitted = await jobs.submit('payload');
    expect(await storage.get(submitted.id)).toMatchObject({ status: 'queued' });
    const result = await jobs.run(queue.jobs[0]!, options.attempt ?? 1, execute, never);
    expect(result.kind).toBe(outcome);
    expect(strip(await storage.get(submitted.id))).toEqual({ id: 'id', createdAt: 0, ...record });
  });

  it('throws, rather than record a good render as failed, when storing its output fails', async () => {
    const { jobs, queue, storage } = lifecycle();
    const submitted = await jobs.submit('payload');
    const put = storage.put.bind(storage);
    storage.put = async (record) => (record.status === 'succeeded' ? Promise.reject(new Error('store down')) : put(record));
    await expect(jobs.run(queue.jobs[0]!, 1, async () => output, never)).rejects.toThrow('store down');
    expect(await storage.get(submitted.id)).toMatchObject({ status: 'running' });
  });

  it('leaves a verdict in place when the queue later reports the job failed', async () => {
    const { jobs, queue, storage } = lifecycle();
    const submitted = await jobs.submit('payload');
    await jobs.run(queue.jobs[0]!, 1, async () => output, never);
    await jobs.fail(submitted, 'The workers rendering it kept stopping');
    expect(await storage.get(submitted.id)).toMatchObject({ status: 'succeeded' });
  });

  it('tells of bugs, and only of bugs', async () => {
    const { jobs, queue, bugs } = lifecycle();
    await jobs.submit('a');
    await jobs.submit('b');
    await jobs.run(queue.jobs[0]!, 1, async () => Promise.reject(new SuperimposeError('invalid_image', 'bad')), never);
    await jobs.run(queue.jobs[1]!, 1, async () => Promise.reject(new RangeError('bug')), never);
    expect(bugs).toEqual([new RangeError('bug')]);
  });

  it('admits up to queueLimit waiting jobs, then answers 429 naming the setting', async () => {
    const { jobs } = lifecycle({ queueLimit: 2 });
    await jobs.submit('a');
    await jobs.submit('b');
    await expect(jobs.submit('c')).rejects.toMatchObject({ status: 429, message: 'The job queue is full (2 waiting, queueLimit): retry later' });
  });

  it('withdraws a job whose queueing failed: the submit is refused, the record cancelled, the job gone and never run', async () => {
    const unavailable = new SuperimposeError('unavailable', 'The job store (Redis) gave no answer within 5 ms (redis.waitMs): retry later');
    let added: QueuedJob<string> | undefined;
    const { jobs, queue, storage } = lifecycle({
      afterAdd: async (job) => {
        added = job;
        throw unavailable;
      },
    });
    await expect(jobs.submit('payload')).rejects.toBe(unavailable);
    expect(queue.jobs).toEqual([]);
    expect(await storage.get(added!.id)).toMatchObject({ status: 'cancelled', reason: 'The submit failed before the job was accepted' });
    // Should it reach a worker all the same (it landed after the withdrawal), the worker skips it.
    let renders = 0;
    expect(await jobs.run(added!, 1, async () => (renders++, output), never)).toEqual({ kind: 'skipped' });
    expect(renders).toBe(0);
    expect(await storage.get(added!.id)).toMatchObject({ status: 'cancelled' });
  });

  it('answers with the id after all when a worker started the job before the withdrawal', async () => {
    // The queue answers late: a worker has taken the job and rendered it by then.
    let worker: JobLifecycle<string> | undefined;
    const { jobs, storage } = lifecycle({
      afterAdd: async (job) => {
        await worker!.run(job, 1, async () => output, never);
        throw new SuperimposeError('unavailable', 'no answer');
      },
    });
    worker = jobs;
    const submitted = await jobs.submit('payload');
    expect(await storage.get(submitted.id)).toMatchObject({ status: 'succeeded' });
  });

  it('does not run a job again whose record has a verdict', async () => {
    const { jobs, queue, storage } = lifecycle();
    const submitted = await jobs.submit('payload');
    await jobs.run(queue.jobs[0]!, 1, async () => output, never);
    expect(await jobs.run(queue.jobs[0]!, 1, async () => Promise.reject(new Error('ran again')), never)).toEqual({ kind: 'skipped' });
    expect(await storage.get(submitted.id)).toMatchObject({ status: 'succeeded' });
  });
});

describe('JobLifecycle admission', () => {
  it('admits exactly queueLimit of 50 concurrent submits in process, and answers the rest 429', async () => {
    const storage = new MemoryJobStorage(60_000);
    const queue = new LocalJobQueue<number>(1); // not started: every admitted job stays waiting
    const jobs = new JobLifecycle(storage, queue, { queueLimit: 10, maxResultBytes: 1000, attempts: 1 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => jobs.submit(i)));
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result.reason as SuperimposeError).status);
    expect({ admitted: results.length - refused.length, refused: refused.length, pending: await queue.pending() }).toEqual({ admitted: 10, refused: 40, pending: 10 });
    expect(new Set(refused)).toEqual(new Set([429]));
    storage.close();
  });
});

describe('LocalJobQueue', () => {
  it('runs jobs concurrency at a time, in order, and at a shutdown past its bound records the rest as cancelled', async () => {
    const storage = new MemoryJobStorage(60_000);
    const queue = new LocalJobQueue<number>(1);
    const jobs = new JobLifecycle(storage, queue, { queueLimit: 10, maxResultBytes: 1000, attempts: 1 });
    const started: number[] = [];
    // Each job runs until it is aborted.
    const execute: JobExecutor<number> = (payload, signal) => {
      started.push(payload);
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    queue.start((job, signal) => jobs.run(job, 1, execute, signal));
    const ids = [];
    for (const payload of [1, 2, 3]) ids.push((await jobs.submit(payload)).id);
    expect(started).toEqual([1]);
    expect(await queue.pending()).toBe(3);

    const closed = await queue.close(50, (job) => jobs.cancel(job, 'The server shut down before the job ran'));
    expect(closed).toEqual({ abandoned: 2, aborted: 1 });
    const records = await Promise.all(ids.map((id) => storage.get(id)));
    expect(records.map((record) => record && { status: record.status, reason: 'reason' in record ? record.reason : undefined })).toEqual([
      { status: 'cancelled', reason: 'The server shut down while the job was running' },
      { status: 'cancelled', reason: 'The server shut down before the job ran' },
      { status: 'cancelled', reason: 'The server shut down before the job ran' },
    ]);
    expect(started).toEqual([1]);
  });
});
