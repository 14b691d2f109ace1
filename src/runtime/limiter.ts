import { SuperimposeError } from '../contract/errors.js';
import { settingName, type Setting, type SettingNames } from './settings.js';

interface Waiter {
  readonly weight: number;
  readonly start: () => void;
  readonly cancel: () => void;
}

interface LimiterOptions {
  /** Tasks running at once. */
  readonly concurrency: number;
  /** Tasks waiting for a slot; past this a new one is a 429. */
  readonly queueLimit: number;
  /** What runs, in the 429's words ("renders", "URL fetches"). */
  readonly what?: string;
  /** Sum of the weights of the tasks running at once (default: no bound). */
  readonly budget?: number;
  /** How messages name queueLimit. */
  readonly names?: SettingNames;
}

export interface RunOptions {
  /** Aborts a waiter (its client hung up): it leaves the queue without running. */
  readonly signal?: AbortSignal | undefined;
  /** For work already accepted (v2 jobs), which never gets a 429. */
  readonly queued?: 'always';
  /** Its share of the budget while it runs (a render's estimated bytes). */
  readonly weight?: number;
}

const QUEUE_LIMIT_SETTING: Setting = 'renderQueueLimit';

/**
 * Bounds the tasks running at once, the sum of their weights, and the tasks
 * waiting, so that memory and CPU stay bounded under any load. Waiters start in
 * arrival order: a heavy one at the head is not overtaken by light ones, so it
 * cannot starve. A weight over the whole budget is the caller's to refuse.
 */
export class RenderLimiter {
  private running = 0;
  private reserved = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: LimiterOptions) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Weight held by the running tasks. */
  get held(): number {
    return this.reserved;
  }

  async run<T>(task: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    const weight = options.weight ?? 0;
    if (this.waiting.length > 0 || !this.fits(weight)) {
      if (options.queued !== 'always' && this.waiting.length >= this.options.queueLimit) {
        const what = this.options.what ?? 'renders';
        throw new SuperimposeError('rate_limited', `Too many ${what} waiting (${this.options.queueLimit}, ${settingName(this.options.names, QUEUE_LIMIT_SETTING)}): retry later`);
      }
      await this.wait(weight, options.signal);
    } else {
      this.take(weight);
    }
    try {
      return await task();
    } finally {
      this.running--;
      this.reserved -= weight;
      this.startWaiters();
    }
  }

  private fits(weight: number): boolean {
    if (this.running >= this.options.concurrency) return false;
    return this.running === 0 || this.options.budget === undefined || this.reserved + weight <= this.options.budget;
  }

  private take(weight: number): void {
    this.running++;
    this.reserved += weight;
  }

  private startWaiters(): void {
    for (let head = this.waiting[0]; head && this.fits(head.weight); head = this.waiting[0]) {
      this.waiting.shift();
      this.take(head.weight);
      head.start();
    }
  }

  private wait(weight: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const cancelled = () => new SuperimposeError('cancelled', 'The request was cancelled while waiting to render');
      if (signal?.aborted) return reject(cancelled());
      const onAbort = () => waiter.cancel();
      const waiter: Waiter = {
        weight,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          // The head may have been what held lighter waiters back.
          if (index === 0) this.startWaiters();
          reject(cancelled());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }
}
