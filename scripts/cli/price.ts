/** `cli price`: Black-Scholes price and greeks of one option (flags) or of many (NDJSON on stdin with `-`). */
import { greeks, type OptionParams } from '@/engine/pricing';
import { streamLines } from '@/workers/market-data/lines';
import { parseArgs } from './_args';
import { LineWriter, numberFlag } from './_io';

export const summary = 'price and greeks: --right CE|PE --spot S --strike K --t YEARS --rate R --vol V [--div Q] [--model black-76], or - for NDJSON on stdin';

const round = (n: number) => Number(n.toPrecision(12));

function result(p: OptionParams) {
  const g = greeks(p);
  return { price: round(g.price), delta: round(g.delta), gamma: round(g.gamma), theta: round(g.theta), vega: round(g.vega), rho: round(g.rho) };
}

export function paramsFrom(o: Record<string, unknown>, priceField: 'vol' | 'price'): OptionParams & { price?: number } {
  const num = (k: string, what: string, optional = false) => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (optional) return undefined;
      throw new Error(`"${k}" is missing: give ${what}`);
    }
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new Error(`"${k}" ${JSON.stringify(v)} is not a number: give ${what}`);
    return n;
  };
  const right = String(o.right ?? '').toUpperCase();
  if (right !== 'CE' && right !== 'PE') throw new Error(`"right" ${JSON.stringify(o.right ?? null)} is not valid: use CE or PE`);
  const model = o.model === undefined ? undefined : String(o.model);
  if (model !== undefined && model !== 'black-scholes' && model !== 'black-76') throw new Error(`"model" "${model}" is not valid: use black-scholes or black-76`);
  const p: OptionParams & { price?: number } = {
    right,
    spot: num('spot', 'the underlying price')!,
    strike: num('strike', 'the strike')!,
    t: num('t', 'the time to expiry in years')!,
    rate: num('rate', 'the risk-free rate as a decimal, e.g. 0.065')!,
    vol: priceField === 'vol' ? num('vol', 'the volatility as a decimal, e.g. 0.15')! : 0,
    div: num('div', 'the dividend yield as a decimal', true),
    model: model as OptionParams['model'],
  };
  if (priceField === 'price') p.price = num('price', 'the option price')!;
  return p;
}

/** NDJSON in, one result line per input line (an {"error"} line for a bad one); exit 1 if any was bad. */
export async function eachStdinLine(handle: (o: Record<string, unknown>) => object): Promise<number> {
  const out = new LineWriter();
  let failed = 0;
  let lineNo = 0;
  for await (const chunk of streamLines(process.stdin)) {
    for (const text of chunk) {
      lineNo++;
      if (text.trim() === '') continue;
      let res: object;
      try {
        let o: unknown;
        try { o = JSON.parse(text); } catch { throw new Error('not valid JSON'); }
        if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('not a JSON object');
        res = handle(o as Record<string, unknown>);
      } catch (err) {
        failed++;
        res = { error: `line ${lineNo}: ${(err as Error).message}` };
      }
      await out.line(JSON.stringify(res));
    }
  }
  await out.flush();
  return failed ? 1 : 0;
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args);
  if (positionals[0] === '-') return eachStdinLine((o) => result(paramsFrom(o, 'vol')));
  if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}": give flags, or - to read NDJSON from stdin`);
  const o: Record<string, unknown> = { right: flags.right === true ? undefined : flags.right, model: flags.model === true ? undefined : flags.model };
  o.spot = numberFlag(flags, 'spot', 'the underlying price');
  o.strike = numberFlag(flags, 'strike', 'the strike');
  o.t = numberFlag(flags, 't', 'the time to expiry in years');
  o.rate = numberFlag(flags, 'rate', 'the risk-free rate as a decimal, e.g. 0.065');
  o.vol = numberFlag(flags, 'vol', 'the volatility as a decimal, e.g. 0.15');
  o.div = numberFlag(flags, 'div', 'the dividend yield as a decimal', true);
  console.log(JSON.stringify(result(paramsFrom(o, 'vol'))));
  return 0;
}
