/**
 * Contract terms for test fixtures written as loose specs: `{ instrument: 'future' }` becomes a
 * future (no strike, no right), `{ instrument: 'option', right, strike }` an option.
 */
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
