import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

type Flags<T extends Options> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean };

/** node:util parseArgs in strict mode, with its errors turned into one-line UsageErrors. */
export function parseFlags<T extends Options>(verb: string, args: string[], options: T): Flags<T> {
  return parseFlagsAndOperands(verb, args, options, false).flags;
}

/**
 * "--bins -3" would read -3 as a flag and fail with "argument is ambiguous"; "--bins=-3" reaches
 * the flag's own check, which says what is allowed.
 */
function joinNegativeValues(args: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** The same, for verbs that also take operands (`nes compare RUN...`). */
export function parseFlagsAndOperands<T extends Options>(verb: string, args: string[], options: T, allowPositionals = true) {
  try {
    args = joinNegativeValues(args);
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals });
    return { flags: parsed.values as Flags<T>, operands: parsed.positionals };
  } catch (error) {
    throw new UsageError(`nes ${verb}: ${(error as Error).message.split('\n')[0]}; see "nes ${verb} --help"`);
  }
}

export function requireFlag(verb: string, flags: Record<string, unknown>, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`nes ${verb}: --${name} is required; see "nes ${verb} --help"`);
  }
  return value;
}

export function intFlag(verb: string, name: string, value: string | undefined, minimum = 1): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) {
    throw new UsageError(`nes ${verb}: --${name} expects an integer ≥ ${minimum}, got "${value}"`);
  }
  return number;
}

/** A duration flag: a number of seconds > 0 (fractions allowed). */
export function secondsFlag(verb: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`nes ${verb}: --${name} expects a number of seconds > 0, got "${value}"`);
  return number;
}

/** A number of hours > 0 (fractions allowed, e.g. 0.5), as seconds. */
export function hoursFlag(verb: string, name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`nes ${verb}: --${name} expects a number of hours > 0 (e.g. 0.5), got "${value}"`);
  return number * 3600;
}

export function intListFlag(verb: string, name: string, value: string | undefined, minimum = 1): number[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((part) => intFlag(verb, name, part.trim(), minimum)!);
}
