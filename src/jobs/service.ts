import type { SuperimposeParams } from '../contract/superimpose.js';
import { JobQueue, type JobRunner } from './queue.js';
import { MemoryJobStore, type JobRecord, type JobStore } from './store.js';

/**
 * The v2 job machinery behind the routes: in-process by default, Redis and
 * BullMQ when REDIS_URL is set (then any instance answers for any job).
 */
export interface JobService {
  /** Job records, including generative jobs tracked for the proxy. */
  readonly store: JobStore;
  /** Accepts a validated request; a full queue is a 429. */
  submit(params: SuperimposeParams): Promise<JobRecord>;
  /** Jobs accepted and not yet finished. */
  pending(): Promise<number>;
  /** Connectivity of whatever the jobs live in. */
  health(): Promise<{ ok: boolean; details: Record<string, unknown> }>;
  /** Lets accepted work finish within timeoutMs (where it runs here), then lets go of resources. */
  close(timeoutMs: number): Promise<void>;
}

export interface InProcessOptions {
  readonly ttlMs: number;
  readonly concurrency: number;
  readonly limit: number;
}

export function inProcessJobs(render: JobRunner<SuperimposeParams>, options: InProcessOptions): JobService {
  const store = new MemoryJobStore(options.ttlMs);
  const queue = new JobQueue(store, render, { concurrency: options.concurrency, limit: options.limit });
  return {
    store,
    submit: (params) => queue.submit(params),
    pending: async () => queue.depth,
    health: async () => ({ ok: true, details: { jobs: 'in-process' } }),
    close: async (timeoutMs) => {
      await queue.drain(timeoutMs);
      await store.close();
    },
  };
}
