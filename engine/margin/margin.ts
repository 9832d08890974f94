/**
 * Capital a position needs: the shape every margin source answers in. Today the only source is
 * the exchange-rule approximation (approximation.ts); once a broker is connected its basket-margin
 * answer (Kite's `basket_margins`, see kite.ts) replaces it behind the same interface, and the
 * UI shows which one it got.
 */
import type { PayoffLeg, PayoffMarket } from '../payoff/payoff.ts';

/** The position to margin: the legs as the payoff panel resolves them on a chain. */
export type MarginPosition = {
  underlying: string;
  spot: number;
  legs: readonly PayoffLeg[];
  market: PayoffMarket;
};

export type MarginMethod =
  'india-span-like' | 'us-reg-t' | 'deribit-standard' | 'long-premium' | 'kite-basket-margins';

export type MarginEstimate = {
  /** An approximation from exchange rules, or a broker's own answer. */
  source: 'approximation' | 'broker';
  method: MarginMethod;
  /** The method in one or two sentences, for the UI to state beside the figure. */
  methodText: string;
  /** How the UI titles a broker's figure ("Margin from Kite (account X)"); absent for the approximation. */
  heading?: string;
  currency: string;
  /** Capital to hold to open the position (premium received already credited). */
  total: number;
  /** What the total is made of, in the method's own terms (scan risk, exposure, premium …). */
  components: { label: string; amount: number }[];
  /** True when the position's loss at expiry is bounded (a spread, a condor, long options). */
  definedRisk: boolean;
  notes: string[];
};

/** Anything that can price the margin of a position: the approximation, or a broker adapter. */
export interface MarginSource {
  readonly name: string;
  estimate(position: MarginPosition): Promise<MarginEstimate>;
}

/** Return on margin in percent, or null when there is no margin to divide by. */
export function returnOnMargin(pnl: number, margin: number | null | undefined): number | null {
  if (margin === null || margin === undefined || !(margin > 0) || !Number.isFinite(pnl))
    return null;
  return Math.round((pnl / margin) * 1e6) / 1e4;
}
