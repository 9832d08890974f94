/** `validate <strategy.json>`: exit 0 if the DSL document is valid, else exit 1 and one JSON line {"path","message"} per error. */
import { readFile, stat } from 'node:fs/promises';
import { MAX_DOCUMENT_BYTES, parseDslText, type DslError } from '../../engine/dsl/index.ts';
import { parseArgs } from './_args.ts';

export const summary =
  'validate <strategy.json>  check a DSL document; errors as JSON lines {"path","message"}';

function report(errors: DslError[]): number {
  for (const e of errors)
    process.stdout.write(JSON.stringify({ path: e.path, message: e.message }) + '\n');
  return 1;
}

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs(args, {});
  if (positionals.length !== 1) {
    return report([{ path: '', message: 'usage: validate <strategy.json> (exactly one file)' }]);
  }
  const file = positionals[0];
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return report([{ path: '', message: `${file} is not a file` }]);
    if (info.size > MAX_DOCUMENT_BYTES)
      return report([
        { path: '', message: `${file} is ${info.size} bytes; the limit is ${MAX_DOCUMENT_BYTES}` },
      ]);
    text = await readFile(file, 'utf8');
  } catch (err) {
    return report([
      {
        path: '',
        message: `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`,
      },
    ]);
  }
  const result = parseDslText(text);
  if (!result.ok) return report(result.errors);
  process.stderr.write(
    `${file}: valid (dslVersion ${result.value.dslVersion}, ${result.value.basket.strategies.length} strategies)\n`,
  );
  return 0;
}
