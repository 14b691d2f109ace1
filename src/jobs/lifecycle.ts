import { randomUUID } from 'node:crypto';
import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from '../runtime/settings.js';
import type { JobOutput, JobRecord } from './record.js';
import type { JobStorage } from './storage.js';

/** A job as a queue carries it. */
export interface QueuedJob<P> {
  readonly id: string;
  readonly createdAt: number;
  readonly payload: P;
}

/** Where accepted jobs wait: in the process, or in BullMQ. */
export interface JobQueue<P> {
  /** Jobs accepted and not yet started: what admission counts. */
  waiting(): Promise<number>;
  /** Jobs accepted and not yet finished. */
  pending(): Promise<number>;
  add(job: QueuedJob<P>): Promise<void>;
}

/** Renders a job's payload; `signal` aborts it. */
export type JobExecutor<P> = (payload: P, signal: AbortSignal) => Promise<JobOutput>;

/** What one run of a job came to, for the queue that delivered it. */
export type RunOutcome =
  | { readonly kind: 'succeeded' }
  /** Recorded as failed: the request is at fault, or the tries are used up. */
  | { readonly kind: 'failed'; readonly error: string }
  /** Not recorded: an unexpected failure with tries left. */
  | { readonly kind: 'retry'; readonly cause: unknown }
  | { readonly kind: 'cancelled' };

export interface LifecycleOptions {
  /** Jobs waiting beyond those running; a submit past it is a 429. */
  readonly queueLimit: number;
  /** Largest output kept; a larger one fails its job. */
  readonly maxResultBytes: number;
  /** Runs of a job that fails unexpectedly, the first included. */
  readonly attempts: number;
  readonly names?: SettingNames;
  /** Told of failures that are not the request's fault, which the client only ever sees as FAILED. */
  readonly onBug?: (error: unknown) => void;
}

/**
 * The one job lifecycle: queued, running, then succeeded, failed or
 * cancelled, whichever storage and queue hold the jobs. Admission is here too:
 * one gate for both backends.
 */
export class JobLifecycle<P> {
  constructor(
    readonly storage: JobStorage,
    private readonly queue: JobQueue<P>,
    private readonly options: LifecycleOptions,
  ) {}

  /** Admits a job or answers 429. The record exists before the job is queued, so a fast worker's verdict is never overwritten. */
  async submit(payload: P): Promise<JobRecord> {
    const { queueLimit } = this.options;
    if ((await this.queue.waiting()) >= queueLimit) {
      throw new SuperimposeError('rate_limited', `The job queue is full (${queueLimit} waiting, ${settingName(this.options.names, 'jobQueueLimit')}): retry later`);
    }
    const record: JobRecord = { id: randomUUID(), createdAt: Date.now(), status: 'queued' };
    await this.storage.put(record);
    await this.queue.add({ id: record.id, createdAt: record.createdAt, payload });
    return record;
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.storage.get(id);
  }

  pending(): Promise<number> {
    return this.queue.pending();
  }

  /**
   * Runs a job once (`attempt` counts from 1) and records where it got to. Only
   * the render's own failures are classified; a storage write that fails throws,
   * so that the queue tries the job again rather than record a good render as failed.
   */
  async run(job: QueuedJob<P>, attempt: number, execute: JobExecutor<P>, signal: AbortSignal): Promise<RunOutcome> {
    const { id, createdAt } = job;
    await this.storage.put({ id, createdAt, status: 'running' });
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let output: JobOutput;
    try {
      output = await execute(job.payload, signal);
      this.checkSize(output);
    } catch (error) {
      if (signal.aborted) {
        await this.cancel(job, 'The server shut down while the job was running');
        return { kind: 'cancelled' };
      }
      if (!(error instanceof SuperimposeError)) {
        this.options.onBug?.(error);
        if (attempt < this.options.attempts) return { kind: 'retry', cause: error };
      }
      const message = error instanceof SuperimposeError ? error.message : internalFailure(attempt);
      await this.storage.put({ id, createdAt, status: 'failed', error: message, seconds: seconds() });
      return { kind: 'failed', error: message };
    }
    await this.storage.put({ id, createdAt, status: 'succeeded', output, seconds: seconds() });
    return { kind: 'succeeded' };
  }

  /** Records a failure the queue saw itself (workers that kept dying on the job), unless a worker's own verdict is already in. */
  async fail(job: Omit<QueuedJob<P>, 'payload'>, error: string): Promise<void> {
    const record = await this.storage.get(job.id);
    if (record && record.status !== 'queued' && record.status !== 'running') return;
    await this.storage.put({ id: job.id, createdAt: job.createdAt, status: 'failed', error, seconds: undefined });
  }

  cancel(job: Omit<QueuedJob<P>, 'payload'>, reason: string): Promise<void> {
    return this.storage.put({ id: job.id, createdAt: job.createdAt, status: 'cancelled', reason });
  }

  private checkSize(output: JobOutput): void {
    const { maxResultBytes, names } = this.options;
    if (output.data.length > maxResultBytes) {
      throw new SuperimposeError('too_large', `The result is ${output.data.length} bytes, over ${settingName(names, 'maxResultBytes')} (${maxResultBytes})`);
    }
  }
}

const internalFailure = (attempt: number) => (attempt > 1 ? `Internal error while rendering, after ${attempt} attempts` : 'Internal error while rendering');
