import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startDeadline } from '../../src/runtime/deadline.js';

describe('startDeadline', () => {
  it('aborts when the time is up, says so, and runs onStop once', async () => {
    let stops = 0;
    const deadline = startDeadline(20, undefined, () => stops++);
    await sleep(60);
    expect([deadline.signal.aborted, deadline.timedOut(), stops]).toEqual([true, true, 1]);
  });

  it('aborts with the caller, not as a timeout', () => {
    const caller = new AbortController();
    let stops = 0;
    const deadline = startDeadline(10_000, caller.signal, () => stops++);
    caller.abort();
    caller.abort();
    expect([deadline.signal.aborted, deadline.timedOut(), stops]).toEqual([true, false, 1]);
    deadline.clear();
  });

  it('starts aborted for a caller already gone', () => {
    const caller = new AbortController();
    caller.abort();
    const deadline = startDeadline(10_000, caller.signal);
    expect(deadline.signal.aborted).toBe(true);
    deadline.clear();
  });

  it('never fires once cleared', async () => {
    let stops = 0;
    const deadline = startDeadline(20, undefined, () => stops++);
    deadline.clear();
    await sleep(60);
    expect([deadline.signal.aborted, stops]).toEqual([false, 0]);
  });
});
