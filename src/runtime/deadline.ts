/** A bound in time on one piece of work, which its caller may also cancel. */
export interface Deadline {
  /** Aborts when the time is up or the caller's signal aborts. */
  readonly signal: AbortSignal;
  /** Whether it was the time that ran out. */
  readonly timedOut: () => boolean;
  /** Ends the bound once the work is over: the timer and the listener go. */
  readonly clear: () => void;
}

/**
 * A timer and a controller of its own rather than AbortSignal.timeout() joined
 * with AbortSignal.any(): such a signal can be garbage-collected before it fires,
 * and the bound goes with it. `onStop` runs once, whichever way it stops.
 */
export function startDeadline(ms: number, cancel?: AbortSignal, onStop?: () => void): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const stop = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    onStop?.();
  };
  const timer = setTimeout(() => ((timedOut = true), stop()), ms);
  cancel?.addEventListener('abort', stop, { once: true });
  if (cancel?.aborted) stop();
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', stop);
    },
  };
}
