import { Piscina } from 'piscina';
import { SuperimposeError } from '../contract/errors.js';
import { startDeadline } from './deadline.js';
import type { SuperimposeResult } from './render.js';
import type { RenderOutcome, RenderTask } from './render-worker.js';

/**
 * Run from the TypeScript sources (the tests, `npm run dev`), the thread needs
 * the same loader as the main thread; from dist/ it is plain JavaScript.
 */
function workerModule(): { filename: string; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  return {
    filename: new URL(fromSources ? './render-worker.ts' : './render-worker.js', import.meta.url).href,
    execArgv: fromSources ? ['--import', 'tsx'] : [],
  };
}

interface PoolRunOptions {
  /** The client's: aborted when it goes away. */
  readonly signal?: AbortSignal | undefined;
  /** Wall-clock bound on the render, and the refusal to answer past it. */
  readonly timeoutMs: number;
  readonly timedOut: () => SuperimposeError;
}

/**
 * Renders on worker threads, so that the event loop stays free for requests,
 * /health and metrics while the heaviest render runs. One thread per render
 * slot, started on first use and kept. A render stopped while it runs has its
 * thread terminated, which frees its JavaScript and WebAssembly memory at once;
 * a libvips call already running ends at its next tile, where the engine's own
 * deadline (sharp's timeout) stops it. The pool starts another thread.
 */
export class RenderPool {
  private pool: Piscina | undefined;

  constructor(private readonly threads: number) {}

  async run(task: RenderTask, options: PoolRunOptions): Promise<SuperimposeResult> {
    const deadline = startDeadline(options.timeoutMs, options.signal);
    let outcome: RenderOutcome;
    try {
      outcome = (await this.threadPool().run(task, { signal: deadline.signal })) as RenderOutcome;
    } catch (error) {
      if (deadline.timedOut()) throw options.timedOut();
      if (options.signal?.aborted) throw new SuperimposeError('cancelled', 'The request was cancelled while rendering', { cause: error });
      throw error;
    } finally {
      deadline.clear();
    }
    switch (outcome.kind) {
      case 'rendered':
        return { data: Buffer.from(outcome.result.data.buffer, outcome.result.data.byteOffset, outcome.result.data.byteLength), info: outcome.result.info };
      case 'refused':
        throw new SuperimposeError(outcome.code, outcome.message, { field: outcome.field, status: outcome.status });
      case 'failed':
        throw Object.assign(new Error(outcome.message), { stack: outcome.stack });
    }
  }

  /** Starts every thread and waits until each has loaded the engine, so the first renders do not pay for it. */
  async start(): Promise<void> {
    const pool = this.threadPool();
    await Promise.all(Array.from({ length: this.threads }, () => pool.run(undefined, { name: 'ready' })));
  }

  /** Lets the renders running finish (each is bounded in time), then stops the threads. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  private threadPool(): Piscina {
    this.pool ??= new Piscina({
      ...workerModule(),
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    return this.pool;
  }
}
