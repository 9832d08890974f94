/** `cli export --underlying NIFTY [--from DAY] [--to DAY]`: stored chains back out as snapshot NDJSON (the import contract). */
import { readStore, storeRoot, storedDays } from '@/datasets/store';
import { env } from '@/db/env';
import { parseArgs } from './_args';
import { LineWriter } from './_io';

export const summary =
  'stored chain snapshots as NDJSON on stdout: export --underlying NIFTY [--from YYYY-MM-DD] [--to YYYY-MM-DD]';

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, {
    underlying: 'string',
    from: 'string',
    to: 'string',
  });
  if (positionals.length)
    throw new Error(`unexpected argument "${positionals[0]}": export takes only flags`);
  if (typeof flags.underlying !== 'string')
    throw new Error('--underlying is required: give a stored underlying such as NIFTY');
  const day = (name: string) => {
    const v = flags[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v))
      throw new Error(`--${name} needs a day as YYYY-MM-DD`);
    return v;
  };
  const root = storeRoot(env().DATA_DIR);
  const underlying = flags.underlying.toUpperCase();
  const from = day('from');
  const to = day('to');
  const days = storedDays(root, underlying).filter((d) => (!from || d >= from) && (!to || d <= to));
  if (days.length === 0) {
    console.error(
      `no ${underlying} days stored${from || to ? ` between ${from ?? 'the start'} and ${to ?? 'the end'}` : ''} in ${root}: import some with npm run -s cli -- import FILE`,
    );
    return 1;
  }
  const out = new LineWriter();
  for await (const s of readStore(root, { underlying, from, to }))
    await out.line(JSON.stringify(s));
  await out.flush();
  return 0;
}
