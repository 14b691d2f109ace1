import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from './settings.js';

interface Waiter {
  readonly start: () => void;
  readonly cancel: () => void;
}

export interface LimiterOptions {
  /** Renders running at once. */
  readonly concurrency: number;
  /** Renders waiting for a slot; past this a new one is a 429. */
  readonly queueLimit: number;
  /** How the 429 names queueLimit. */
  readonly names?: SettingNames;
}

/**
 * Bounds the renders running at once and the ones waiting, so memory and CPU
 * stay bounded under any load. A waiter whose signal aborts (its client hung up)
 * leaves the queue without running.
 */
export class RenderLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: LimiterOptions) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` in a slot. `queued: 'always'` is for work already accepted (v2 jobs), which never gets a 429. */
  async run<T>(task: () => Promise<T>, options: { signal?: AbortSignal | undefined; queued?: 'always' } = {}): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (options.queued !== 'always' && this.waiting.length >= this.options.queueLimit) {
        throw new SuperimposeError('rate_limited', `Too many renders waiting (${this.options.queueLimit}, ${settingName(this.options.names, 'renderQueueLimit')}): retry later`);
      }
      await this.wait(options.signal);
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.start();
    }
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => waiter.cancel();
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: () => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new SuperimposeError('cancelled', 'The request was cancelled while waiting to render'));
        },
      };
      if (signal?.aborted) return reject(new SuperimposeError('cancelled', 'The request was cancelled while waiting to render'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }
}
