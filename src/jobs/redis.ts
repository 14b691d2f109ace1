import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { SuperimposeParams } from '../contract/superimpose.js';
import { SuperimposeError } from '../errors.js';
import type { JobRunner } from './queue.js';
import type { JobService } from './service.js';
import type { JobRecord, JobResult, JobStore } from './store.js';

export interface RedisJobsOptions {
  readonly url: string;
  /** Key prefix for this deployment's queue and records. */
  readonly prefix: string;
  readonly ttlMs: number;
  /** Jobs waiting beyond those running; past it a submit is a 429. */
  readonly queueLimit: number;
  /** Tries per job for unexpected failures and crashed workers, the first included. */
  readonly attempts: number;
  /** A worker that stops renewing its lock this long is taken as crashed and its job re-queued. */
  readonly lockMs: number;
  /** Largest result kept in Redis. */
  readonly maxResultBytes: number;
}

interface JobData {
  readonly params: SuperimposeParams;
  readonly createdAt: number;
}

const QUEUE = 'superimpose';

/** A record as kept in Redis: the result's bytes live under their own key. */
type StoredRecord = Omit<JobRecord, 'result'> & { result?: Omit<JobResult, 'data'> };

/**
 * Job records in Redis: metadata as JSON and the result image as bytes, both
 * expiring with the result TTL, so any instance answers for any job.
 */
export class RedisJobStore implements JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    /** Why BullMQ failed a job whose record never heard of it (a worker crashed past its retries). */
    private readonly failedReason: (id: string) => Promise<string | undefined> = async () => undefined,
  ) {}

  private key(kind: 'job' | 'result', id: string): string {
    return `${this.prefix}:${kind}:${id}`;
  }

  async put(job: JobRecord): Promise<void> {
    const { result, ...meta } = job;
    const record = result ? { ...meta, result: { format: result.format, base64: result.base64 } } : meta;
    const write = this.redis.multi().set(this.key('job', job.id), JSON.stringify(record), 'PX', this.ttlMs);
    if (result) write.set(this.key('result', job.id), result.data, 'PX', this.ttlMs);
    await within(REDIS_WAIT_MS, write.exec());
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const record = await this.read(id);
    if (!record || record.upstream || (record.status !== 'QUEUED' && record.status !== 'PROCESSING')) return record;
    const reason = await this.failedReason(id);
    if (reason === undefined) return record;
    // The worker may have written its own verdict since the first read: that one stands.
    const latest = await this.read(id);
    if (!latest || latest.status === 'FAILED' || latest.status === 'COMPLETED') return latest;
    const failed: JobRecord = { id, status: 'FAILED', createdAt: record.createdAt, error: `The render failed: ${reason}` };
    await this.put(failed);
    return failed;
  }

  private async read(id: string): Promise<JobRecord | undefined> {
    const text = await within(REDIS_WAIT_MS, this.redis.get(this.key('job', id)));
    if (text === null) return undefined;
    const { result, ...record } = JSON.parse(text) as StoredRecord;
    if (record.status !== 'COMPLETED' || !result) return record;
    const data = await within(REDIS_WAIT_MS, this.redis.getBuffer(this.key('result', id)));
    return data === null ? undefined : { ...record, result: { ...result, data } };
  }

  async close(): Promise<void> {}
}

/** BullMQ's connection needs maxRetriesPerRequest null for blocking commands. Errors surface through /health. */
function connect(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  return redis;
}

/** Commands queue while ioredis reconnects: a bound keeps callers from hanging on a dead Redis (then 503). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, sleep(ms).then(() => Promise.reject(new SuperimposeError('unavailable', `The job store (Redis) gave no answer within ${ms} ms: retry later`)))]);
}

/** How long a request waits on Redis before it is answered 503. */
const REDIS_WAIT_MS = 5000;

/** v2 jobs in BullMQ: the front submits and answers; workers (here or in other processes) render. */
export function redisJobs(options: RedisJobsOptions): JobService {
  const redis = connect(options.url);
  const queue = new Queue<JobData>(QUEUE, { connection: redis, prefix: options.prefix });
  queue.on('error', () => {});
  const store = new RedisJobStore(redis, options.prefix, options.ttlMs, async (id) => {
    const job = await queue.getJob(id);
    return job && (await job.getState()) === 'failed' ? job.failedReason || 'failed' : undefined;
  });
  return {
    store,
    async submit(params) {
      const waiting = await within(REDIS_WAIT_MS, queue.getWaitingCount());
      if (waiting >= options.queueLimit) {
        throw new SuperimposeError('rate_limited', `The job queue is full (${options.queueLimit} waiting, SUPERIMPOSE_QUEUE_LIMIT): retry later`);
      }
      // The record exists before any worker can see the job, so a fast worker's COMPLETED is never overwritten.
      const job: JobRecord = { id: randomUUID(), status: 'QUEUED', createdAt: Date.now() };
      await store.put(job);
      await within(REDIS_WAIT_MS, queue.add(QUEUE, { params, createdAt: job.createdAt }, {
        jobId: job.id,
        attempts: options.attempts,
        backoff: { type: 'fixed', delay: 200 },
        removeOnComplete: true,
        removeOnFail: { age: Math.ceil(options.ttlMs / 1000) },
      }));
      return job;
    },
    pending: async () => {
      const counts = await within(1000, queue.getJobCounts('waiting', 'active', 'delayed'));
      return (counts['waiting'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0);
    },
    async health() {
      try {
        const pong = await within(1000, redis.ping());
        return { ok: pong === 'PONG', details: { redis: 'up' } };
      } catch (error) {
        return { ok: false, details: { redis: 'down', error: (error as Error).message } };
      }
    },
    async close(timeoutMs) {
      await within(timeoutMs, queue.close()).catch(() => {});
      redis.disconnect();
    },
  };
}

export interface RedisWorkerOptions extends RedisJobsOptions {
  readonly concurrency: number;
}

/** A BullMQ worker rendering v2 jobs into the Redis store. Closing waits for the jobs it is rendering. */
export function redisWorker(options: RedisWorkerOptions, render: JobRunner<SuperimposeParams>): { close: () => Promise<void> } {
  const redis = connect(options.url);
  const store = new RedisJobStore(redis, options.prefix, options.ttlMs);
  const failed = (job: Job<JobData>, error: string) => store.put({ id: job.id!, status: 'FAILED', createdAt: job.data.createdAt, error });
  const worker = new Worker<JobData>(
    QUEUE,
    async (job) => {
      const { params, createdAt } = job.data;
      await store.put({ id: job.id!, status: 'PROCESSING', createdAt });
      const started = performance.now();
      try {
        const result = await render(params);
        if (result.data.length > options.maxResultBytes) {
          throw new SuperimposeError('too_large', `The result is ${result.data.length} bytes, over SUPERIMPOSE_MAX_RESULT_BYTES (${options.maxResultBytes})`);
        }
        await store.put({ id: job.id!, status: 'COMPLETED', createdAt, result, inferenceTime: (performance.now() - started) / 1000 });
      } catch (error) {
        if (error instanceof SuperimposeError) {
          // The request itself is at fault: trying again would fail the same way.
          await failed(job, error.message);
          throw new UnrecoverableError(error.message);
        }
        const attempt = job.attemptsMade + 1;
        if (attempt >= (job.opts.attempts ?? 1)) await failed(job, `Internal error while rendering, after ${attempt} attempts`);
        throw error;
      }
    },
    {
      connection: redis,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: Math.max(options.attempts - 1, 1),
    },
  );
  // A crashed worker's job that stalled too often is failed by BullMQ itself, in whichever worker noticed.
  worker.on('failed', (job, error) => {
    if (job && /stalled/i.test(error.message)) void failed(job, `The workers rendering it kept stopping: ${error.message}`);
  });
  worker.on('error', () => {
    // Connection errors are retried by ioredis; health reports them.
  });
  return {
    close: async () => {
      await worker.close();
      redis.disconnect();
    },
  };
}
