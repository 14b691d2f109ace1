import { randomUUID } from 'node:crypto';
import { SuperimposeError } from '../errors.js';
import type { JobRecord, JobResult, JobStore } from './store.js';

export type JobRunner<T> = (payload: T) => Promise<JobResult>;

export interface QueueOptions {
  /** Jobs rendered at once. */
  readonly concurrency: number;
  /** Jobs waiting beyond the running ones; a submit past it is a 429. */
  readonly limit: number;
}

/**
 * A bounded in-process queue: accepted jobs always end COMPLETED or FAILED in
 * the store, and `drain` lets shutdown wait for them.
 */
export class JobQueue<T> {
  private readonly waiting: { job: JobRecord; payload: T }[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: JobStore,
    private readonly run: JobRunner<T>,
    private readonly options: QueueOptions,
  ) {}

  get depth(): number {
    return this.waiting.length + this.running;
  }

  async submit(payload: T): Promise<JobRecord> {
    if (this.waiting.length >= this.options.limit) {
      throw new SuperimposeError('rate_limited', `The job queue is full (${this.options.limit} waiting, SUPERIMPOSE_QUEUE_LIMIT): retry later`);
    }
    const job: JobRecord = { id: randomUUID(), status: 'QUEUED', createdAt: Date.now() };
    await this.store.put(job);
    this.waiting.push({ job, payload });
    this.pump();
    return job;
  }

  /** Resolves once nothing is queued or running, or after timeoutMs. */
  drain(timeoutMs: number): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.running++;
      void this.execute(next.job, next.payload).finally(() => {
        this.running--;
        this.pump();
        if (this.depth === 0) for (const notify of this.idle.splice(0)) notify();
      });
    }
  }

  private async execute({ id, createdAt }: JobRecord, payload: T): Promise<void> {
    await this.store.put({ id, status: 'PROCESSING', createdAt });
    const started = performance.now();
    try {
      const result = await this.run(payload);
      await this.store.put({ id, status: 'COMPLETED', createdAt, result, inferenceTime: (performance.now() - started) / 1000 });
    } catch (error) {
      const message = error instanceof SuperimposeError ? error.message : 'Internal error while rendering';
      await this.store.put({ id, status: 'FAILED', createdAt, error: message, inferenceTime: (performance.now() - started) / 1000 });
    }
  }
}
