import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis, type Result } from 'ioredis';
import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from '../runtime/settings.js';
import type { JobExecutor, JobLifecycle, JobQueue } from './lifecycle.js';
import type { JobOutput, JobRecord } from './record.js';
import type { JobRef, JobStorage, Withdrawal } from './storage.js';

export interface RedisOptions {
  readonly url: string;
  /** Key prefix of one deployment's queue and records. */
  readonly prefix: string;
  readonly ttlMs: number;
  /** Runs per job that fail unexpectedly, the first included; a job whose workers keep dying is failed after max(attempts − 1, 1) stalls. */
  readonly attempts: number;
  /** A worker that stops renewing its lock this long is taken as crashed and its job re-queued. */
  readonly lockMs: number;
  /** How long a call waits on Redis before it is refused (503) instead of left hanging. */
  readonly waitMs: number;
  /** How refusals name waitMs. */
  readonly names?: SettingNames;
}

interface JobData<P> {
  readonly payload: P;
  readonly createdAt: number;
}

const QUEUE = 'superimpose';

type Succeeded = Extract<JobRecord, { status: 'succeeded' }>;
/** A record as kept in Redis: the output's bytes live under a key of their own. */
type StoredRecord = Exclude<JobRecord, Succeeded> | (Omit<Succeeded, 'output'> & { readonly output: Omit<JobOutput, 'data'> });

/*
 * The steps that must be atomic across instances, as Lua scripts: each runs
 * in Redis as one step, whatever else the other instances send meanwhile.
 */
const SCRIPTS = {
  /**
   * Admission: the limit checked and a place held in one step. Waiting jobs
   * are BullMQ's own wait lists plus the places held for jobs not yet there. A
   * place lapses at its deadline, so that one held by an instance that died
   * before queueing its job does not leak; once the job is in BullMQ (its
   * hash exists) the lists count it, and the place is dropped.
   * KEYS: places (sorted set, by deadline), wait list, paused list.
   * ARGV: limit, job id, prefix of BullMQ's job keys, place lifetime (ms).
   */
  superimposeReserve: {
    numberOfKeys: 3,
    lua: `
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
        if redis.call('EXISTS', ARGV[3] .. id) == 1 then redis.call('ZREM', KEYS[1], id) end
      end
      local waiting = redis.call('LLEN', KEYS[2]) + redis.call('LLEN', KEYS[3]) + redis.call('ZCARD', KEYS[1])
      if waiting >= tonumber(ARGV[1]) then return 0 end
      redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
      redis.call('PEXPIRE', KEYS[1], ARGV[4])
      return 1`,
  },
  /** A worker's start: the record set running only if it is queued or running (a retry). KEYS: record. ARGV: running record, TTL (ms). */
  superimposeStart: {
    numberOfKeys: 1,
    lua: `
      local text = redis.call('GET', KEYS[1])
      if not text then return 0 end
      local status = cjson.decode(text).status
      if status ~= 'queued' and status ~= 'running' then return 0 end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1`,
  },
  /** A failed submit's withdrawal: the record cancelled unless it has left the queued state. KEYS: record. ARGV: cancelled record, TTL (ms). */
  superimposeWithdraw: {
    numberOfKeys: 1,
    lua: `
      local text = redis.call('GET', KEYS[1])
      if text and cjson.decode(text).status ~= 'queued' then return 0 end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      return 1`,
  },
} as const;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    superimposeReserve(places: string, wait: string, paused: string, limit: number, id: string, jobKeyPrefix: string, placeMs: number): Result<number, Context>;
    superimposeStart(record: string, running: string, ttlMs: number): Result<number, Context>;
    superimposeWithdraw(record: string, cancelled: string, ttlMs: number): Result<number, Context>;
  }
}

/** Commands queue while ioredis reconnects: a bound keeps callers from hanging on a dead Redis. */
function waiter(options: RedisOptions) {
  return <T>(work: Promise<T>, ms = options.waitMs): Promise<T> => {
    const timeout = sleep(ms, undefined, { ref: false }).then(() => {
      const setting = ms === options.waitMs ? ` (${settingName(options.names, 'redisWaitMs')})` : '';
      throw new SuperimposeError('unavailable', `The job store (Redis) gave no answer within ${ms} ms${setting}: retry later`);
    });
    return Promise.race([work, timeout]);
  };
}

/**
 * Job records in Redis: metadata as JSON, the output image as bytes, both
 * expiring with the result TTL, so any instance answers for any job.
 */
class RedisJobStorage implements JobStorage {
  private readonly within: ReturnType<typeof waiter>;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisOptions,
    /** Why BullMQ failed a job its record never heard of (a worker crashed past its tries). */
    private readonly failedReason: (id: string) => Promise<string | undefined>,
  ) {
    this.within = waiter(options);
  }

  private key(kind: 'job' | 'result', id: string): string {
    return `${this.options.prefix}:${kind}:${id}`;
  }

  async put(record: JobRecord): Promise<void> {
    const stored: StoredRecord = record.status === 'succeeded' ? { ...record, output: { format: record.output.format, base64: record.output.base64 } } : record;
    const write = this.redis.multi().set(this.key('job', record.id), JSON.stringify(stored), 'PX', this.options.ttlMs);
    if (record.status === 'succeeded') write.set(this.key('result', record.id), record.output.data, 'PX', this.options.ttlMs);
    // exec() resolves with each command's own error rather than rejecting.
    const results = await this.within(write.exec());
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }

  async create(record: Extract<JobRecord, { status: 'queued' }>): Promise<void> {
    await this.within(this.redis.set(this.key('job', record.id), JSON.stringify(record), 'PX', this.options.ttlMs, 'NX'));
  }

  async start({ id, createdAt }: JobRef): Promise<boolean> {
    const running: JobRecord = { id, createdAt, status: 'running' };
    return (await this.within(this.redis.superimposeStart(this.key('job', id), JSON.stringify(running), this.options.ttlMs))) === 1;
  }

  async withdraw({ id, createdAt }: JobRef, reason: string): Promise<Withdrawal> {
    const cancelled: JobRecord = { id, createdAt, status: 'cancelled', reason };
    const done = await this.within(this.redis.superimposeWithdraw(this.key('job', id), JSON.stringify(cancelled), this.options.ttlMs));
    return done === 1 ? { kind: 'withdrawn' } : { kind: 'started' };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const record = await this.read(id);
    if (!record || (record.status !== 'queued' && record.status !== 'running')) return record;
    const reason = await this.failedReason(id);
    if (reason === undefined) return record;
    // The worker may have written its own verdict since the first read: that one stands.
    const latest = await this.read(id);
    if (!latest || (latest.status !== 'queued' && latest.status !== 'running')) return latest;
    const failed: JobRecord = { id, createdAt: record.createdAt, status: 'failed', error: `The render failed: ${reason}`, seconds: undefined };
    await this.put(failed);
    return failed;
  }

  private async read(id: string): Promise<JobRecord | undefined> {
    const text = await this.within(this.redis.get(this.key('job', id)));
    if (text === null) return undefined;
    const stored = JSON.parse(text) as StoredRecord;
    if (stored.status !== 'succeeded') return stored;
    const data = await this.within(this.redis.getBuffer(this.key('result', id)));
    return data === null ? undefined : { ...stored, output: { ...stored.output, data } };
  }
}

/** BullMQ's connection needs maxRetriesPerRequest null for blocking commands. Errors surface through health(). */
function connect(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  return redis;
}

export interface RedisBackend<P> {
  readonly storage: JobStorage;
  readonly queue: JobQueue<P>;
  health(): Promise<{ ok: boolean; details: Record<string, unknown> }>;
  /** Renders jobs from the queue, here, `concurrency` at once; closing waits for those in hand, within `timeoutMs` when given. */
  startWorker(concurrency: number, lifecycle: JobLifecycle<P>, execute: JobExecutor<P>): { close: (timeoutMs?: number) => Promise<void> };
  close(timeoutMs: number): Promise<void>;
}

/** v2 jobs in Redis and BullMQ, shared by every instance of a deployment. */
export function redisBackend<P>(options: RedisOptions): RedisBackend<P> {
  const redis = connect(options.url);
  for (const [name, script] of Object.entries(SCRIPTS)) redis.defineCommand(name, script);
  const queue = new Queue<JobData<P>>(QUEUE, { connection: redis, prefix: options.prefix });
  queue.on('error', () => {});
  const within = waiter(options);
  const storage = new RedisJobStorage(redis, options, async (id) => {
    const job = await within(queue.getJob(id));
    return job && (await within(job.getState())) === 'failed' ? job.failedReason || 'failed' : undefined;
  });
  // Health and load figures answer within a second, or at once report Redis as down.
  const quick = Math.min(options.waitMs, 1000);
  const pendingCounts = async () => within(queue.getJobCounts('waiting', 'active', 'delayed'), quick);
  const places = `${options.prefix}:admitting`;
  // Outlives a submit that is only slow (three bounded calls between the place taken and the job queued), with room for a busy event loop.
  const placeMs = 3 * options.waitMs + 2000;
  return {
    storage,
    queue: {
      reserve: async (id, limit) => (await within(redis.superimposeReserve(places, queue.toKey('wait'), queue.toKey('paused'), limit, id, queue.toKey(''), placeMs))) === 1,
      pending: async () => {
        const counts = await pendingCounts();
        return (counts['waiting'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0);
      },
      add: async ({ id, createdAt, payload }) => {
        await within(
          queue.add(QUEUE, { payload, createdAt }, {
            jobId: id,
            attempts: options.attempts,
            backoff: { type: 'fixed', delay: 200 },
            removeOnComplete: true,
            removeOnFail: { age: Math.ceil(options.ttlMs / 1000) },
          }),
        );
        // BullMQ's lists count the job now. Should this never land, reserve() drops the place anyway while the job is in BullMQ, and it lapses after.
        void redis.zrem(places, id).catch(() => {});
      },
      withdraw: async (id) => {
        // A job still on its way to BullMQ lands after this; the worker that takes it finds it withdrawn and skips it.
        await within(Promise.all([redis.zrem(places, id), queue.remove(id)]));
      },
    },
    async health() {
      try {
        const pong = await within(redis.ping(), quick);
        return { ok: pong === 'PONG', details: { redis: 'up' } };
      } catch (error) {
        return { ok: false, details: { redis: 'down', error: (error as Error).message } };
      }
    },
    startWorker(concurrency, lifecycle, execute) {
      const connection = connect(options.url);
      // Closing waits for the jobs in hand: a run here is never aborted (a killed worker's job is re-queued instead).
      const never = new AbortController().signal;
      const worker = new Worker<JobData<P>>(
        QUEUE,
        async (job) => {
          const outcome = await lifecycle.run({ id: job.id!, createdAt: job.data.createdAt, payload: job.data.payload }, job.attemptsMade + 1, execute, never);
          // The request itself is at fault, or the tries are used up: BullMQ must not try again.
          if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.error);
          if (outcome.kind === 'retry') throw outcome.cause;
          // Succeeded, cancelled, or skipped: BullMQ is done with the job.
        },
        { connection, prefix: options.prefix, concurrency, lockDuration: options.lockMs, stalledInterval: options.lockMs, maxStalledCount: Math.max(options.attempts - 1, 1) },
      );
      // A crashed worker's job that stalled too often is failed by BullMQ itself, in whichever worker noticed.
      worker.on('failed', (job, error) => {
        if (job && /stalled more than/i.test(error.message)) void lifecycle.fail({ id: job.id!, createdAt: job.data.createdAt }, `The workers rendering it kept stopping: ${error.message}`).catch(() => {});
      });
      // Connection errors are retried by ioredis; health() reports them.
      worker.on('error', () => {});
      return {
        // Past the bound, the jobs in hand are let go: their locks lapse and another worker takes them up.
        close: async (timeoutMs) => {
          const closing = worker.close();
          await (timeoutMs === undefined ? closing : Promise.race([closing, sleep(timeoutMs, undefined, { ref: false })]));
          connection.disconnect();
        },
      };
    },
    async close(timeoutMs) {
      await within(queue.close(), timeoutMs).catch(() => {});
      redis.disconnect();
    },
  };
}
