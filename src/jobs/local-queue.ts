import type { JobQueue, QueuedJob } from './lifecycle.js';

/** Runs one delivered job to its end; `signal` aborts it at shutdown. */
export type JobHandler<P> = (job: QueuedJob<P>, signal: AbortSignal) => Promise<unknown>;

/**
 * The in-process queue: FIFO, `concurrency` jobs at once. Closing waits for
 * the jobs to finish, within a bound; past it, running jobs are aborted and
 * waiting ones handed to `onAbandoned`, so each ends recorded, none silently.
 */
export class LocalJobQueue<P> implements JobQueue<P> {
  private readonly queued: QueuedJob<P>[] = [];
  /** Places held for jobs being submitted. */
  private readonly reserved = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly shutdown = new AbortController();
  private handler: JobHandler<P> | undefined;
  private idle: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  /** Starts delivering jobs to `handler`. */
  start(handler: JobHandler<P>): void {
    this.handler = handler;
    this.pump();
  }

  async reserve(id: string, limit: number): Promise<boolean> {
    if (this.queued.length + this.reserved.size >= limit) return false;
    this.reserved.add(id);
    return true;
  }

  async pending(): Promise<number> {
    return this.queued.length + this.running.size;
  }

  async add(job: QueuedJob<P>): Promise<void> {
    this.reserved.delete(job.id);
    this.queued.push(job);
    this.pump();
  }

  async withdraw(id: string): Promise<void> {
    this.reserved.delete(id);
    const index = this.queued.findIndex((job) => job.id === id);
    if (index >= 0) this.queued.splice(index, 1);
  }

  /** Waits up to timeoutMs for every job to end; then aborts the running ones and gives up the waiting ones. */
  async close(timeoutMs: number, onAbandoned: (job: QueuedJob<P>) => Promise<void>): Promise<{ abandoned: number; aborted: number }> {
    await this.drained(timeoutMs);
    const abandoned = this.queued.splice(0);
    const aborted = this.running.size;
    this.shutdown.abort();
    await Promise.all([...abandoned.map(onAbandoned), ...this.running]);
    return { abandoned: abandoned.length, aborted };
  }

  private drained(timeoutMs: number): Promise<void> {
    if (this.queued.length + this.running.size === 0 || !this.handler) return Promise.resolve();
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
    const handler = this.handler;
    while (handler && !this.shutdown.signal.aborted && this.running.size < this.concurrency && this.queued.length > 0) {
      const job = this.queued.shift()!;
      const run: Promise<unknown> = handler(job, this.shutdown.signal)
        .catch(() => {})
        .finally(() => {
          this.running.delete(run);
          this.pump();
          if (this.queued.length + this.running.size === 0) for (const notify of this.idle.splice(0)) notify();
        });
      this.running.add(run);
    }
  }
}
