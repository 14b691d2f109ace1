import type { OutputFormat } from '../engine/codec.js';

export const JOB_STATUSES = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobResult {
  readonly data: Buffer;
  readonly format: OutputFormat;
  /** The request asked for base64: `output` is then a data: URI. */
  readonly base64: boolean;
}

export interface JobRecord {
  readonly id: string;
  readonly status: JobStatus;
  readonly createdAt: number;
  /** Seconds of render time, once finished. */
  readonly inferenceTime?: number;
  readonly error?: string;
  readonly result?: JobResult;
  /** Set for a generative job submitted to Segmind: polls for it are relayed there. */
  readonly upstream?: { readonly statusUrl: string; readonly responseUrl: string };
}

/**
 * Where v2 jobs live. The in-process store is the default; a shared store
 * (Redis) implements the same calls so that any instance answers for any job.
 */
export interface JobStore {
  put(job: JobRecord): Promise<void>;
  /** Undefined for unknown and expired ids alike. */
  get(id: string): Promise<JobRecord | undefined>;
  close(): Promise<void>;
}

/** In-process store: every record expires ttlMs after it was last written. */
export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, { job: JobRecord; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  async put(job: JobRecord): Promise<void> {
    this.jobs.set(job.id, { job, expiresAt: Date.now() + this.ttlMs });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const entry = this.jobs.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.jobs.delete(id);
      return undefined;
    }
    return entry.job;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.jobs) if (entry.expiresAt <= now) this.jobs.delete(id);
  }
}
