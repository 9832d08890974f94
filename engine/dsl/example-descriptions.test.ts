/**
 * The gallery's examples say what they hold: every side and right their legs trade is named,
 * and a structure word (spread, straddle, strangle, condor) only appears when the legs make it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { legLabels } from './describe.ts';
import { parseDsl } from './parse.ts';

const dir = path.join(import.meta.dirname, 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

/** What in the description does not match the legs, in words (empty when it all matches). */
export function descriptionMismatches(doc: {
  basket: {
    description: string;
    strategies: { legs: { side: string; instrument: string; right?: string }[] }[];
  };
}): string[] {
  const text = doc.basket.description.toLowerCase();
  const legs = doc.basket.strategies.flatMap((s) => s.legs);
  const out: string[] = [];
  const has = (k: string, s?: string) => legs.some((l) => l.right === k && (!s || l.side === s));
  if (legs.some((l) => l.side === 'SELL') && !/\bsells?\b/.test(text))
    out.push('it sells, but the description never says "sell"');
  if (legs.some((l) => l.side === 'BUY') && !/\bbuys?\b|\bbought\b/.test(text))
    out.push('it buys, but the description never says "buy"');
  if (has('CE') && !/\bcalls?\b|\bce\b|straddle|strangle|condor/.test(text))
    out.push('it trades calls, but the description never says so');
  if (has('PE') && !/\bputs?\b|\bpe\b|straddle|strangle|condor/.test(text))
    out.push('it trades puts, but the description never says so');
  if (legs.some((l) => l.instrument === 'future') && !/future/.test(text))
    out.push('it trades a future, but the description never says so');
  for (const right of ['call', 'put'] as const) {
    const kind = right === 'call' ? 'CE' : 'PE';
    if (
      new RegExp(`${right} (credit |debit )?spread`).test(text) &&
      legs.filter((l) => l.right === kind).length < 2
    )
      out.push(`a ${right} spread needs two ${kind} legs`);
  }
  for (const s of doc.basket.strategies) {
    const both = s.legs.some((l) => l.right === 'CE') && s.legs.some((l) => l.right === 'PE');
    if (/\bstrangle|straddle/.test(text) && !both && doc.basket.strategies.length === 1)
      out.push('a straddle or strangle needs a call and a put');
  }
  if (/condor/.test(text) && !doc.basket.strategies.some((s) => s.legs.length >= 4))
    out.push('a condor has four legs');
  return out;
}

describe('example descriptions', () => {
  for (const f of files) {
    it(`${f} describes its own legs`, () => {
      const json = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      const parsed = parseDsl(json);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      expect(
        descriptionMismatches(parsed.value),
        [...legLabels(parsed.value.basket).values()].join(', '),
      ).toEqual([]);
    });
  }

  it('catches the SENSEX example as it was: "a call spread" with one call leg', () => {
    const json = JSON.parse(
      readFileSync(path.join(dir, 'sensex-overall-momentum-reentry.json'), 'utf8'),
    );
    json.basket.description =
      'Wait for SENSEX to rise 0.3 % after entry time, then sell a put / buy a call spread; overall stop on % of premium with an overall trailing stop; re-enter on momentum after an overall stop.';
    expect(descriptionMismatches(json)).toEqual(['a call spread needs two CE legs']);
  });
});
