/**
 * Contract terms for test fixtures written as loose specs: `{ instrument: 'future' }` becomes a
 * future (no strike, no right), `{ instrument: 'option', right, strike }` an option.
 */
import type { RiskLeg } from '@/engine/analysis/book';
import {
  FUTURE_TERMS,
  optionTerms,
  type ContractTerms,
  type InstrumentType,
  type Right,
} from '@/engine/market/snapshot';

export type TermsSpec = {
  instrument: InstrumentType;
  right?: Right | null;
  strike?: number | null;
};

export function terms(spec: TermsSpec, defaultStrike?: number): ContractTerms {
  if (spec.instrument === 'future') return FUTURE_TERMS;
  const strike = spec.strike ?? defaultStrike;
  if (strike === undefined || !spec.right)
    throw new Error('a test option leg needs a right and a strike');
  return optionTerms(strike, spec.right);
}

/** A NIFTY risk leg (65 units at 120, a week out, IV 11 %, strike 24200) with `over` on top. */
export function riskLeg(
  over: Omit<Partial<RiskLeg>, keyof TermsSpec> & TermsSpec & Pick<RiskLeg, 'id' | 'side'>,
): RiskLeg {
  const { instrument, right, strike, ...rest } = over;
  return {
    underlying: 'NIFTY',
    qty: 65,
    entry: 120,
    expiry: '2026-08-25',
    t: 7 / 365,
    iv: 0.11,
    ...rest,
    ...terms({ instrument, right, strike }, 24200),
  };
}
