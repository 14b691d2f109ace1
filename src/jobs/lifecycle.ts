import { randomUUID } from 'node:crypto';
import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from '../runtime/settings.js';
import type { JobOutput, JobRecord } from './record.js';
import type { JobRef, JobStorage, Withdrawal } from './storage.js';

/** A job as a queue carries it. */
export interface QueuedJob<P> {
  readonly id: string;
  readonly createdAt: number;
  readonly payload: P;
}

/**
 * Where accepted jobs wait: in the process, or in BullMQ. Admission holds a
 * place before the job is queued, checking the limit and taking the place in
 * one step, so that concurrent submits (on any instance) cannot all pass the
 * check: a place is filled by its job, or given up.
 */
export interface JobQueue<P> {
  /** Holds a place for job `id` unless `limit` jobs are waiting, places held included: false then. */
  reserve(id: string, limit: number): Promise<boolean>;
  /** Queues a job in the place held for it. */
  add(job: QueuedJob<P>): Promise<void>;
  /** Gives up a job whose submit failed: its place, and the job itself if it reached the queue and has not started. */
  withdraw(id: string): Promise<void>;
  /** Jobs accepted and not yet finished. */
  pending(): Promise<number>;
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
  | { readonly kind: 'cancelled' }
  /** Not run: its record had ended or expired before it started (its submit was withdrawn, or an earlier run's verdict is in). */
  | { readonly kind: 'skipped' };

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

  /**
   * Admits a job or answers 429. The record exists before the job is queued,
   * so a fast worker's verdict is never overwritten. All or nothing: a submit
   * that fails after its place was taken (Redis too slow) withdraws the job,
   * so that a client told to retry never has a twin of its job run unseen;
   * unless a worker started it first, and then the client gets its id after all.
   */
  async submit(payload: P): Promise<JobRecord> {
    const { queueLimit } = this.options;
    const record = { id: randomUUID(), createdAt: Date.now(), status: 'queued' } as const;
    try {
      if (await this.enqueue(record, payload)) return record;
    } catch (error) {
      // Best effort: should the withdrawal fail too, a late write finds the job withdrawn, or the worker skips it.
      const withdrawal = await this.withdraw(record).catch(() => undefined);
      if (withdrawal?.kind === 'started') return record;
      throw error;
    }
    throw new SuperimposeError('rate_limited', `The job queue is full (${queueLimit} waiting, ${settingName(this.options.names, 'jobQueueLimit')}): retry later`);
  }

  /** False when the queue is full. */
  private async enqueue(record: Extract<JobRecord, { status: 'queued' }>, payload: P): Promise<boolean> {
    if (!(await this.queue.reserve(record.id, this.options.queueLimit))) return false;
    await this.storage.create(record);
    await this.queue.add({ id: record.id, createdAt: record.createdAt, payload });
    return true;
  }

  /** The record is withdrawn first, so that a worker taking the job meanwhile skips it; then its place and queued job go. */
  private async withdraw(record: JobRef): Promise<Withdrawal> {
    const withdrawal = await this.storage.withdraw(record, 'The submit failed before the job was accepted');
    if (withdrawal.kind === 'withdrawn') await this.queue.withdraw(record.id);
    return withdrawal;
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
    if (!(await this.storage.start(job))) return { kind: 'skipped' };
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
