/**
 * What the matcher reads from `this`: the part of the matcher context that
 * vitest and jest both give (vitest's MatcherState, jest's MatcherContext).
 */
export interface GoldenMatcherContext {
  readonly isNot?: boolean;
  readonly testPath?: string | undefined;
  /** Both runners' SnapshotState keeps the update mode (`-u` gives 'all') in this private field. */
  readonly snapshotState?: unknown;
}

/** Whether the runner was started in update mode (`vitest -u`, `jest -u`). */
export function runnerUpdates(context: GoldenMatcherContext): boolean {
  const state = context.snapshotState;
  return typeof state === 'object' && state !== null && '_updateSnapshot' in state && state._updateSnapshot === 'all';
}

/** Whether a variable is set: present and not empty. */
const isSet = (name: string): boolean => (process.env[name] ?? '') !== '';

export const inCi = (): boolean => isSet('CI');

/** UPDATE_GOLDEN=1 (or any value but 0 and false) asks to rewrite goldens. */
export function updateRequested(): boolean {
  const value = process.env.UPDATE_GOLDEN ?? '';
  return value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
