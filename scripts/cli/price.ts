/** `cli price`: Black-Scholes price and greeks of one option (flags) or of many (NDJSON on stdin with `-`). */
import { greeks, type OptionParams } from '@/engine/pricing';
import { eachStdinLine } from './_ndjson';
import { optionInput, paramsFrom } from './_option';

export const summary =
  'price and greeks: --right CE|PE --spot S --strike K --t YEARS --rate R --vol V [--div Q] [--model black-76], or - for NDJSON on stdin';

const round = (n: number) => Number(n.toPrecision(12));

function result(p: OptionParams) {
  const g = greeks(p);
  return {
    price: round(g.price),
    delta: round(g.delta),
    gamma: round(g.gamma),
    theta: round(g.theta),
    vega: round(g.vega),
    rho: round(g.rho),
  };
}

export async function run(args: string[]): Promise<number> {
  const input = optionInput(args, 'vol');
  if (input === '-') return eachStdinLine((o) => result(paramsFrom(o, 'vol')));
  console.log(JSON.stringify(result(paramsFrom(input, 'vol'))));
  return 0;
}
