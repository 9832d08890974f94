/**
 * The CLI's flag parser: Node's `util.parseArgs` in strict mode, so a mistyped flag
 * (`--slippage-tick 2`) stops the command with its name and the nearest known flag instead of
 * running as if it had not been given. Every command declares the flags it takes.
 */
import { parseArgs as nodeParseArgs } from 'node:util';

export type ParsedArgs = { positionals: string[]; flags: Record<string, string | true> };

/** The flags a command takes: a value (`--ticks FILE`) or a switch (`--pretty`). */
export type FlagSpec = Record<string, 'string' | 'boolean'>;

/** Bad command-line input: printed with the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

function nearest(name: string, known: string[]): string | undefined {
  let best: { flag: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name, k);
    if (!best || d < best.d) best = { flag: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.flag : undefined;
}

const listed = (known: string[]) =>
  known.length ? known.map((k) => `--${k}`).join(', ') : 'no flags';

export function parseArgs(args: string[], spec: FlagSpec): ParsedArgs {
  const known = Object.keys(spec);
  // `--rate -0.01`: a negative number is the flag's value, not another flag.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (name && spec[name] === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`${a}=${next}`);
      i++;
    } else joined.push(a);
  }
  try {
    const { values, positionals } = nodeParseArgs({
      args: joined,
      options: Object.fromEntries(known.map((k) => [k, { type: spec[k] }])),
      strict: true,
      allowPositionals: true,
    });
    const flags: Record<string, string | true> = {};
    for (const [k, v] of Object.entries(values)) {
      if (typeof v === 'string') flags[k] = v;
      else if (v === true) flags[k] = true;
    }
    return { positionals, flags };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const flag = /'(-{1,2}[^'\s]+)/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
      const guess = nearest(flag.replace(/^-+/, ''), known);
      throw new UsageError(
        `unknown flag ${flag}${guess ? ` (did you mean --${guess}?)` : ''}; this command takes ${listed(known)}`,
      );
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
      const name = flag.replace(/^-+/, '');
      throw new UsageError(
        spec[name] === 'boolean'
          ? `${flag} is a switch and takes no value`
          : `${flag} needs a value, e.g. ${flag} VALUE (or ${flag}=-1 for a negative number)`,
      );
    }
    throw new UsageError(e.message.split('\n')[0]);
  }
}
