/**
 * Argument parsing for subcommands on node:util parseArgs, with errors turned into one-line
 * UsageErrors, and strict number parsing ("10k", "", "1e999" are refused, not coerced).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WordlightError } from '../core/errors.ts';

/** Bad command line: printed as one line with the usage hint, exit code 2. */
export class UsageError extends WordlightError {
  override name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** `--seed -3` → `--seed=-3`: parseArgs would read "-3" as an option, but the user meant a value
 * (the engine then says why -3 is out of range). */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : null;
    if (
      name &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      /^-(\d|\.\d)/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseOptions<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    throw new UsageError(`${message.replace(/\. To specify.*$/, '')}. Usage: ${usage}`);
  }
}

/** Parses a decimal number option; undefined when absent. Range checks happen in the engine. */
export function numberOption(
  value: string | undefined,
  flag: string,
  integer: boolean,
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const n = trimmed === '' ? NaN : Number(trimmed);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `${flag} must be ${integer ? 'a whole number' : 'a number'} (got "${value}").`,
    );
  }
  return n;
}
