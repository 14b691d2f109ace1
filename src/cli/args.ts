import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { closestName } from './suggest.js';

export interface FlagSpec {
  readonly kind: 'string' | 'boolean';
  /** What the value should be, for the message when it is missing. */
  readonly value?: string;
  /** Other spellings accepted for this flag, such as the API's own name. */
  readonly aliases?: readonly string[];
  /** A string flag that may be given many times (--set a=x --set b=y); its values come in CommandLine.lists. */
  readonly multiple?: boolean;
}

/** A command's flags by their canonical (kebab-case) name. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  /** The values of each flag that may be given many times, in order. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

/** "-50", "-0.5", "-.5": a value, not a flag. */
const NEGATIVE_NUMBER = /^-\.?\d/;

const isValue = (token: string | undefined): boolean => token !== undefined && (!token.startsWith('-') || token === '-' || NEGATIVE_NUMBER.test(token));

/** Canonical name for a typed one: itself, its snake_case spelling, or an alias. */
function resolveFlag(typed: string, flags: FlagTable, command: string): string {
  const kebab = typed.replace(/_/g, '-');
  for (const [name, spec] of Object.entries(flags)) {
    if (name === typed || name === kebab || spec.aliases?.includes(typed) || spec.aliases?.includes(kebab)) return name;
  }
  const names = Object.keys(flags);
  const suggestion = closestName(typed, names);
  if (suggestion) throw new UsageError(`unknown flag --${typed}; did you mean --${suggestion}?`);
  throw new UsageError(`unknown flag --${typed}; ${command} takes ${names.map((name) => `--${name}`).join(', ')} (superimpose ${command} --help)`);
}

/**
 * Reads a command's arguments. Unlike parseArgs alone, a string flag takes a
 * following value that starts with "-" when it is a number (--x-offset -50) or
 * "-" itself; a snake_case spelling names the same flag; an unknown flag gets
 * a suggestion and a flag without its value is named, each in one line.
 * The checked arguments then go through parseArgs in one canonical form.
 */
export function parseCommandLine(args: readonly string[], flags: FlagTable, command: string): CommandLine {
  const canonical: string[] = [];
  const positionals: string[] = [];
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (isValue(token)) {
      positionals.push(token);
      continue;
    }
    if (!token.startsWith('--')) throw new UsageError(`unknown flag ${token}; flags are spelled --name (superimpose ${command} --help)`);
    const equals = token.indexOf('=');
    const typed = equals === -1 ? token.slice(2) : token.slice(2, equals);
    const name = resolveFlag(typed, flags, command);
    const spec = flags[name]!;
    if (spec.kind === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${name} takes no value but received ${token}`);
      canonical.push(`--${name}`);
      continue;
    }
    let value = equals === -1 ? undefined : token.slice(equals + 1);
    if (value === undefined && isValue(args[i + 1])) value = args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value${spec.value ? `: ${spec.value}` : ''}`);
    if (spec.multiple) (lists[name] ??= []).push(value);
    else canonical.push(`--${name}=${value}`);
  }
  const single = Object.entries(flags).filter(([, spec]) => !spec.multiple);
  const options = Object.fromEntries(single.map(([name, spec]) => [name, { type: spec.kind }]));
  const { values } = parseArgs({ args: canonical, options, strict: true, allowPositionals: false });
  return { values: values as CommandLine['values'], positionals, lists };
}
