import type { JobRecord } from './record.js';

/**
 * Where job records live: in the process by default; in Redis, where every
 * instance reads the same records. Every record expires with the result TTL.
 */
export interface JobStorage {
  put(record: JobRecord): Promise<void>;
  /** Undefined for unknown and expired ids alike. */
  get(id: string): Promise<JobRecord | undefined>;
}

/** In-process storage: a record expires ttlMs after it was last written. */
export class MemoryJobStorage implements JobStorage {
  private readonly records = new Map<string, { record: JobRecord; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  async put(record: JobRecord): Promise<void> {
    this.records.set(record.id, { record, expiresAt: Date.now() + this.ttlMs });
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const entry = this.records.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.records.delete(id);
      return undefined;
    }
    return entry.record;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.records) if (entry.expiresAt <= now) this.records.delete(id);
  }
}
