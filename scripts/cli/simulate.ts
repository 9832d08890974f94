/** `cli simulate`: a seeded simulated market's chain snapshots as NDJSON on stdout. */
import { simulateDays, simulateSession } from '@/engine/market/simulator';
import { parseArgs } from './_args';
import { LineWriter, numberFlag } from './_io';

export const summary =
  'simulated chain snapshots (NDJSON): --underlying NIFTY --date 2026-11-20 --seed 7 [--interval 1m] [--to DATE] [--spot S] [--vix V] [--strikes N]';

/** '1m', '5m', '30s', '1h' or plain seconds. */
export function intervalSeconds(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(v.trim());
  if (!m || +m[1] <= 0) throw new Error(`--interval "${v}" is not valid: use e.g. 30s, 1m, 5m, 1h`);
  const unit = m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1;
  return +m[1] * unit;
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, {
    underlying: 'string',
    date: 'string',
    to: 'string',
    seed: 'string',
    interval: 'string',
    spot: 'string',
    vix: 'string',
    strikes: 'string',
  });
  if (positionals.length)
    throw new Error(`unexpected argument "${positionals[0]}": simulate takes only flags`);
  const str = (name: string, what: string) => {
    const v = flags[name];
    if (typeof v !== 'string') throw new Error(`--${name} is required: give ${what}`);
    return v;
  };
  const underlying = str('underlying', 'an underlying such as NIFTY, BANKNIFTY, SPY or BTC');
  const date = str('date', 'a trading day as YYYY-MM-DD');
  const to = typeof flags.to === 'string' ? flags.to : date;
  const seed = numberFlag(flags, 'seed', 'an integer seed, e.g. 7')!;
  const interval = typeof flags.interval === 'string' ? intervalSeconds(flags.interval) : 60;
  const out = new LineWriter();
  let n = 0;
  const opts = {
    underlying,
    seed,
    intervalSeconds: interval,
    spot: numberFlag(flags, 'spot', 'the starting spot', true),
    vix: numberFlag(flags, 'vix', 'the starting volatility index level', true),
    strikesEachSide: numberFlag(flags, 'strikes', 'strikes listed each side of ATM', true),
  };
  // One day: simulateSession says which day trades next when --date does not.
  const snapshots =
    to === date ? simulateSession({ ...opts, date }) : simulateDays({ ...opts, from: date, to });
  for (const s of snapshots) {
    n++;
    await out.line(JSON.stringify(s));
  }
  await out.flush();
  if (n === 0) {
    console.error(
      `no trading session for ${underlying} between ${date} and ${to}: pick a trading day`,
    );
    return 1;
  }
  return 0;
}
