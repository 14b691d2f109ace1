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
  /** In insertion order, which is the order evictions take. */
  private readonly records = new Map<string, { record: JobRecord; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;
  private outputBytes = 0;

  constructor(
    private readonly ttlMs: number,
    /** The outputs held at once, in bytes; past it the oldest are dropped. */
    private readonly maxOutputBytes: number = Infinity,
    /** What a dropped output's record says. */
    private readonly evictionReason = 'its output was dropped to keep the stored outputs within their bound',
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  async put(record: JobRecord): Promise<void> {
    this.remove(record.id);
    this.records.set(record.id, { record, expiresAt: Date.now() + this.ttlMs });
    this.outputBytes += bytesOf(record);
    for (const [id, entry] of this.records) {
      if (this.outputBytes <= this.maxOutputBytes) break;
      if (id === record.id || entry.record.status !== 'succeeded') continue;
      this.outputBytes -= bytesOf(entry.record);
      entry.record = { id, createdAt: entry.record.createdAt, status: 'evicted', reason: this.evictionReason };
    }
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const entry = this.records.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(id);
      return undefined;
    }
    return entry.record;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private remove(id: string): void {
    const entry = this.records.get(id);
    if (!entry) return;
    this.outputBytes -= bytesOf(entry.record);
    this.records.delete(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.records) if (entry.expiresAt <= now) this.remove(id);
  }
}

const bytesOf = (record: JobRecord): number => (record.status === 'succeeded' ? record.output.data.length : 0);
