import { SuperimposeError, type ErrorCode } from '../contract/errors.js';

/** Exit codes (SPEC "Library and CLI"). */
export const EXIT = { ok: 0, different: 1, usage: 2, input: 3 } as const;

/** Bad usage: unknown flags, missing arguments. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const INPUT_CODES: ReadonlySet<ErrorCode> = new Set(['invalid_image', 'unreadable_input', 'too_large', 'unsupported_input']);

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof SuperimposeError) return INPUT_CODES.has(error.code) ? EXIT.input : EXIT.usage;
  if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return EXIT.usage;
  return EXIT.input;
}

/** One line for stderr, never a stack trace unless asked for. */
export function describeError(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!verbose) return message.split('\n')[0]!;
  const cause = error instanceof Error && error.cause instanceof Error ? `\ncaused by: ${error.cause.stack ?? error.cause.message}` : '';
  return `${error instanceof Error ? (error.stack ?? message) : message}${cause}`;
}
