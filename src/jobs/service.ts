import type { MockupParams } from '../contract/mockup.js';
import type { SuperimposeParams } from '../contract/superimpose.js';
import type { MockupRenderer, Renderer } from '../runtime/renderer.js';
import { settingName, type SettingNames } from '../runtime/settings.js';
import { JobLifecycle, type JobExecutor } from './lifecycle.js';
import { LocalJobQueue } from './local-queue.js';
import type { JobRecord, UpstreamUrls } from './record.js';
import { redisBackend } from './redis.js';
import { MemoryJobStorage } from './storage.js';

export interface JobsOptions {
  readonly ttlMs: number;
  /** Jobs this process renders at once; with Redis, 0 makes it a front that only accepts. */
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly maxResultBytes: number;
  /** In process, the outputs held at once, in bytes; past it the oldest are dropped, and their polls say so. */
  readonly maxStoredOutputBytes: number;
  /** Shared jobs: every instance with the same URL and prefix answers for every job. */
  readonly redis?: { readonly url: string; readonly prefix: string; readonly attempts: number; readonly lockMs: number; readonly waitMs: number } | undefined;
  readonly names?: SettingNames;
  readonly onBug?: (error: unknown) => void;
}

/** What a v2 job renders: a validated request of either kind, as JSON can carry it. */
export type JobPayload = { readonly kind: 'superimpose'; readonly params: SuperimposeParams } | { readonly kind: 'mockup'; readonly params: MockupParams };

/** The renderers jobs run on: the service's own, as v1 requests use them. */
export interface JobRenderers {
  readonly render: Renderer;
  readonly renderMockup: MockupRenderer;
}

/** The v2 jobs behind the routes, whichever backend holds them. */
export interface JobService {
  /** Accepts a validated request; a full queue is a 429. */
  submit(payload: JobPayload): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Keeps a generative job submitted upstream, so that its polls come back here. */
  track(id: string, upstream: UpstreamUrls): Promise<void>;
  /** Jobs accepted and not finished. */
  pending(): Promise<number>;
  health(): Promise<{ ok: boolean; details: Record<string, unknown> }>;
  /**
   * Lets accepted work here finish within timeoutMs, then lets go: in process,
   * the jobs still waiting are recorded cancelled and the running ones aborted;
   * in Redis, they stay for the other workers.
   */
  close(timeoutMs: number): Promise<{ abandoned: number; aborted: number }>;
}

/** A job renders as a v1 request does, but waits for a slot however busy the process is: its 429 came at submit. */
const jobExecutor =
  (renderers: JobRenderers): JobExecutor<JobPayload> =>
  async (payload, signal) => {
    const call = { queued: 'always', signal } as const;
    const { data, info } = payload.kind === 'mockup' ? await renderers.renderMockup(payload.params, call) : await renderers.render(payload.params, call);
    return { data, format: info.format, base64: payload.params.base64 };
  };

function service(lifecycle: JobLifecycle<JobPayload>, parts: Pick<JobService, 'health' | 'close'>): JobService {
  return {
    submit: (payload) => lifecycle.submit(payload),
    get: (id) => lifecycle.get(id),
    track: (id, upstream) => lifecycle.storage.put({ id, createdAt: Date.now(), status: 'forwarded', upstream }),
    pending: () => lifecycle.pending(),
    ...parts,
  };
}

type RedisJobsOptions = JobsOptions & { readonly redis: NonNullable<JobsOptions['redis']> };

const lifecycleOptions = (options: JobsOptions, attempts: number) => ({ queueLimit: options.queueLimit, maxResultBytes: options.maxResultBytes, names: options.names, onBug: options.onBug, attempts });

function redisJobs(options: RedisJobsOptions) {
  const backend = redisBackend<JobPayload>({ ...options.redis, ttlMs: options.ttlMs, names: options.names });
  return { backend, lifecycle: new JobLifecycle(backend.storage, backend.queue, lifecycleOptions(options, options.redis.attempts)) };
}

export function createJobService(options: JobsOptions, renderers: JobRenderers): JobService {
  const execute = jobExecutor(renderers);
  if (!options.redis) {
    const reason = `its output was dropped to keep the stored outputs within ${options.maxStoredOutputBytes} bytes (${settingName(options.names, 'maxStoredOutputBytes')})`;
    const storage = new MemoryJobStorage(options.ttlMs, options.maxStoredOutputBytes, reason);
    const queue = new LocalJobQueue<JobPayload>(options.concurrency);
    const lifecycle = new JobLifecycle(storage, queue, lifecycleOptions(options, 1));
    queue.start((job, signal) => lifecycle.run(job, 1, execute, signal));
    return service(lifecycle, {
      health: async () => ({ ok: true, details: { jobs: 'in-process' } }),
      close: async (timeoutMs) => {
        const closed = await queue.close(timeoutMs, (job) => lifecycle.cancel(job, 'The server shut down before the job ran'));
        storage.close();
        return closed;
      },
    });
  }
  const { backend, lifecycle } = redisJobs({ ...options, redis: options.redis });
  const worker = options.concurrency > 0 ? backend.startWorker(options.concurrency, lifecycle, execute) : undefined;
  return service(lifecycle, {
    health: () => backend.health(),
    close: async (timeoutMs) => {
      // Jobs not started stay in Redis for the other workers: nothing here is cancelled.
      await worker?.close(timeoutMs);
      await backend.close(timeoutMs);
      return { abandoned: 0, aborted: 0 };
    },
  });
}

/** A worker process: renders jobs from Redis, none accepted here. */
export function startJobWorker(options: RedisJobsOptions, renderers: JobRenderers): { close: () => Promise<void> } {
  const { backend, lifecycle } = redisJobs(options);
  const worker = backend.startWorker(Math.max(options.concurrency, 1), lifecycle, jobExecutor(renderers));
  return {
    close: async () => {
      await worker.close();
      await backend.close(1000);
    },
  };
}
