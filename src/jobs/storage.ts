import type { JobRecord } from './record.js';

/**
 * Where job records live: in the process by default; in Redis, where every
 * instance reads the same records. Every record expires with the result TTL.
 */
export interface JobStorage {
  put(record: JobRecord): Promise<void>;
  /** Undefined for unknown and expired ids alike. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Writes a new job's record, unless its id has one already: a withdrawal's, which a late write must not undo. */
  create(record: Extract<JobRecord, { status: 'queued' }>): Promise<void>;
  /** Marks a job running if its record is queued, or running (a retry); false when the record has ended or expired, and the job is then not to run. */
  start(job: JobRef): Promise<boolean>;
  /**
   * Records a job whose submit failed as cancelled, unless a worker has
   * started it. One step with start(): whichever comes first decides. A
   * missing record is written cancelled too, so that a late create finds it.
   */
  withdraw(job: JobRef, reason: string): Promise<Withdrawal>;
}

export type JobRef = Pick<JobRecord, 'id' | 'createdAt'>;

/** Where a withdrawal left a job: it will never run, or a worker has it, and its record will say how it ended. */
export type Withdrawal = { readonly kind: 'withdrawn' } | { readonly kind: 'started' };

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
    return this.current(id);
  }

  // The checks and writes below have no await between them: each is one step.
  async create(record: Extract<JobRecord, { status: 'queued' }>): Promise<void> {
    if (this.current(record.id) === undefined) await this.put(record);
  }

  async start({ id, createdAt }: JobRef): Promise<boolean> {
    const status = this.current(id)?.status;
    if (status !== 'queued' && status !== 'running') return false;
    await this.put({ id, createdAt, status: 'running' });
    return true;
  }

  async withdraw({ id, createdAt }: JobRef, reason: string): Promise<Withdrawal> {
    const status = this.current(id)?.status;
    if (status !== undefined && status !== 'queued') return { kind: 'started' };
    await this.put({ id, createdAt, status: 'cancelled', reason });
    return { kind: 'withdrawn' };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private current(id: string): JobRecord | undefined {
    const entry = this.records.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(id);
      return undefined;
    }
    return entry.record;
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
