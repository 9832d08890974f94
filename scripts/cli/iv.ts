/** `cli iv`: implied volatility of one option price (flags) or of many (NDJSON on stdin with `-`). */
import { impliedVol } from '@/engine/pricing';
import { parseArgs } from './_args';
import { numberFlag } from './_io';
import { eachStdinLine, paramsFrom } from './price';

export const summary = 'implied volatility: --right CE|PE --spot S --strike K --t YEARS --rate R --price P [--div Q] [--model black-76], or - for NDJSON on stdin';

function result(o: Record<string, unknown>): { iv: number | null; reason?: string; message?: string } {
  const p = paramsFrom(o, 'price');
  const r = impliedVol({ right: p.right, spot: p.spot, strike: p.strike, t: p.t, rate: p.rate, div: p.div, model: p.model, price: p.price! });
  return r.ok ? { iv: Number(r.iv.toPrecision(12)) } : { iv: null, reason: r.reason, message: r.message };
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args);
  if (positionals[0] === '-') return eachStdinLine(result);
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}": give flags, or - to read NDJSON from stdin`);
  const o: Record<string, unknown> = { right: flags.right === true ? undefined : flags.right, model: flags.model === true ? undefined : flags.model };
  o.spot = numberFlag(flags, 'spot', 'the underlying price');
  o.strike = numberFlag(flags, 'strike', 'the strike');
  o.t = numberFlag(flags, 't', 'the time to expiry in years');
  o.rate = numberFlag(flags, 'rate', 'the risk-free rate as a decimal, e.g. 0.065');
  o.price = numberFlag(flags, 'price', 'the option price');
  o.div = numberFlag(flags, 'div', 'the dividend yield as a decimal', true);
  const r = result(o);
  console.log(JSON.stringify(r));
  if (r.iv === null) {
    console.error(r.message);
    return 1;
  }
  return 0;
}
