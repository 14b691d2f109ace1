import { ImageError } from './errors.js';

/**
 * An absolute wall-clock bound on a render, in epoch milliseconds as
 * `deadlineAfter` and `now` give them (Date.now()'s scale). Measured as
 * `performance.timeOrigin + performance.now()`: monotonic within a thread, and
 * comparable across worker threads, whose `performance.now()` alone starts
 * from each thread's own origin. `Date.now() + ms` works too.
 */
export type Deadline = number;

export const now = (): number => performance.timeOrigin + performance.now();

export const deadlineAfter = (ms: number): Deadline => now() + ms;

/** The engine's plain refusal at a deadline; the layers above word it with the setting that set it. */
export function timeoutError(step: string, field = ''): ImageError {
  return new ImageError('timeout', `The render passed its deadline at ${step}`, field);
}

/** Throws the timeout error if `deadline` has passed; `step` says where, for the logs. */
export function checkDeadline(deadline: Deadline | undefined, step: string, field?: string): void {
  if (deadline !== undefined && now() >= deadline) throw timeoutError(step, field);
}

/**
 * sharp's `timeout()` for a libvips pipeline that must end by `deadline`:
 * whole seconds, at least 1 (0 means none to sharp). libvips checks it between
 * the tiles it computes, so a single slow tile (an SVG filter) runs past it.
 */
export function sharpTimeout(deadline: Deadline | undefined): { seconds: number } | undefined {
  if (deadline === undefined) return undefined;
  return { seconds: Math.max(1, Math.ceil((deadline - now()) / 1000)) };
}

/** libvips' words when its timeout killed a pipeline. */
export const isLibvipsTimeout = (cause: unknown): boolean => cause instanceof Error && /^timeout: \d+% complete/.test(cause.message);
