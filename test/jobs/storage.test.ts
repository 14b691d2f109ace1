import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/jobs/record.js';
import { MemoryJobStorage } from '../../src/jobs/storage.js';

const succeeded = (id: string, bytes: number): JobRecord => ({ id, createdAt: 0, status: 'succeeded', output: { data: Buffer.alloc(bytes), format: 'png', base64: false }, seconds: 0.1 });

describe('MemoryJobStorage', () => {
  it('drops the oldest outputs past its byte bound, leaving records that say why', async () => {
    const storage = new MemoryJobStorage(60_000, 250, 'dropped to stay within 250 bytes');
    for (const id of ['a', 'b', 'c']) await storage.put(succeeded(id, 100));
    expect(await storage.get('a')).toEqual({ id: 'a', createdAt: 0, status: 'evicted', reason: 'dropped to stay within 250 bytes' });
    expect(await storage.get('b')).toMatchObject({ status: 'succeeded' });
    expect(await storage.get('c')).toMatchObject({ status: 'succeeded' });
    storage.close();
  });

  it('orders evictions by the last write, and never drops the record being written', async () => {
    const storage = new MemoryJobStorage(60_000, 150);
    await storage.put(succeeded('old', 100));
    await storage.put({ id: 'queued', createdAt: 0, status: 'queued' });
    await storage.put(succeeded('big', 200));
    expect((await storage.get('old'))?.status).toBe('evicted');
    expect((await storage.get('big'))?.status).toBe('succeeded');
    expect((await storage.get('queued'))?.status).toBe('queued');
    storage.close();
  });

  it('counts a record once, however often it is rewritten', async () => {
    const storage = new MemoryJobStorage(60_000, 100);
    await storage.put(succeeded('same', 100));
    await storage.put(succeeded('same', 100));
    await storage.put({ id: 'other', createdAt: 0, status: 'failed', error: 'x', seconds: undefined });
    expect((await storage.get('same'))?.status).toBe('succeeded');
    storage.close();
  });
});
