/** `schema [--out FILE]`: the DSL's JSON Schema, generated from the zod schemas. */
import { writeFile } from 'node:fs/promises';
import { dslJsonSchema } from '../../engine/dsl/index.ts';
import { parseArgs, UsageError } from './_args.ts';

export const summary = 'schema [--out FILE]      print the DSL v1 JSON Schema';

export async function run(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, { out: 'string' });
  if (positionals.length)
    throw new UsageError(`unexpected argument "${positionals[0]}": schema takes only --out FILE`);
  const text = JSON.stringify(dslJsonSchema(), null, 2) + '\n';
  if (typeof flags.out === 'string') {
    await writeFile(flags.out, text);
    process.stderr.write(`wrote ${flags.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
