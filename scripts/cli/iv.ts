/** `cli iv`: implied volatility of one option price (flags) or of many (NDJSON on stdin with `-`). */
import { impliedVol } from '@/engine/pricing';
import { eachStdinLine } from './_ndjson';
import { optionInput, paramsFrom } from './_option';

export const summary =
  'implied volatility: --right CE|PE --spot S --strike K --t YEARS --rate R --price P [--div Q] [--model black-76], or - for NDJSON on stdin';

function result(o: Record<string, unknown>): {
  iv: number | null;
  reason?: string;
  message?: string;
} {
  const p = paramsFrom(o, 'price');
  const r = impliedVol({
    right: p.right,
    spot: p.spot,
    strike: p.strike,
    t: p.t,
    rate: p.rate,
    div: p.div,
    model: p.model,
    price: p.price!,
  });
  return r.ok
    ? { iv: Number(r.iv.toPrecision(12)) }
    : { iv: null, reason: r.reason, message: r.message };
}

export async function run(args: string[]): Promise<number> {
  const input = optionInput(args, 'price');
  if (input === '-') return eachStdinLine(result);
  const r = result(input);
  console.log(JSON.stringify(r));
  if (r.iv === null) {
    console.error(r.message);
    return 1;
  }
  return 0;
}
