/** One option's inputs for `price` and `iv`, from flags or from an NDJSON object, with the same words for each field. */
import type { OptionParams } from '@/engine/pricing';
import { parseArgs } from './_args';
import { numberFlag } from './_io';

/** `price` is given the volatility, `iv` the option price. */
export type Given = 'vol' | 'price';

const WHAT = {
  spot: 'the underlying price',
  strike: 'the strike',
  t: 'the time to expiry in years',
  rate: 'the risk-free rate as a decimal, e.g. 0.065',
  vol: 'the volatility as a decimal, e.g. 0.15',
  price: 'the option price',
  div: 'the dividend yield as a decimal',
} as const;

/** '-' when the option(s) come as NDJSON on stdin, else the flags as the same kind of object. */
export function optionInput(args: string[], given: Given): '-' | Record<string, unknown> {
  const { positionals, flags } = parseArgs(args, {
    right: 'string',
    model: 'string',
    spot: 'string',
    strike: 'string',
    t: 'string',
    rate: 'string',
    [given]: 'string',
    div: 'string',
  });
  if (positionals[0] === '-') return '-';
  if (positionals.length)
    throw new Error(
      `unexpected argument "${positionals[0]}": give flags, or - to read NDJSON from stdin`,
    );
  const o: Record<string, unknown> = {
    right: flags.right === true ? undefined : flags.right,
    model: flags.model === true ? undefined : flags.model,
  };
  for (const k of ['spot', 'strike', 't', 'rate', given] as const)
    o[k] = numberFlag(flags, k, WHAT[k]);
  o.div = numberFlag(flags, 'div', WHAT.div, true);
  return o;
}

export function paramsFrom(
  o: Record<string, unknown>,
  given: Given,
): OptionParams & { price?: number } {
  const num = (k: keyof typeof WHAT, optional = false) => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (optional) return undefined;
      throw new Error(`"${k}" is missing: give ${WHAT[k]}`);
    }
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n))
      throw new Error(`"${k}" ${JSON.stringify(v)} is not a number: give ${WHAT[k]}`);
    return n;
  };
  const right = String(o.right ?? '').toUpperCase();
  if (right !== 'CE' && right !== 'PE')
    throw new Error(`"right" ${JSON.stringify(o.right ?? null)} is not valid: use CE or PE`);
  const model = o.model === undefined ? undefined : String(o.model);
  if (model !== undefined && model !== 'black-scholes' && model !== 'black-76')
    throw new Error(`"model" "${model}" is not valid: use black-scholes or black-76`);
  const p: OptionParams & { price?: number } = {
    right,
    spot: num('spot')!,
    strike: num('strike')!,
    t: num('t')!,
    rate: num('rate')!,
    vol: given === 'vol' ? num('vol')! : 0,
    div: num('div', true),
    model: model as OptionParams['model'],
  };
  if (given === 'price') p.price = num('price')!;
  return p;
}
