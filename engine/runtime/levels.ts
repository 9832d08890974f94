/**
 * Leg stop-loss, target and trailing-stop arithmetic (docs/dsl.md#stop-loss-and-target,
 * #trailing-stop). A stop is adverse to the leg's side: above entry for a sell, below for a buy;
 * underlying levels are adverse to the leg's delta sign (a short call or long put loses when the
 * underlying rises).
 */
import type { StopLoss, Target } from '../dsl/stop-loss.ts';
import type { TrailingStop } from '../dsl/trailing-stop.ts';
import type { LegState, Right, Side } from './types.ts';

/** +1 when the position gains as the underlying rises (long call, short put, long future). */
/** A future (no right) moves with the underlying, as a call does. */
export function deltaSign(side: Side, right: Right | null): 1 | -1 {
  const up = right === 'PE' ? -1 : 1;
  return (side === 'BUY' ? up : -up) as 1 | -1;
}

/** +1 for a buy (gains as the premium rises), -1 for a sell. */
export const sideSign = (side: Side) => (side === 'BUY' ? 1 : -1);

export type Levels = Pick<
  LegState,
  'stopLevel' | 'initialStopLevel' | 'targetLevel' | 'stopSpotLevel' | 'targetSpotLevel'
>;

export function entryLevels(
  side: Side,
  right: Right | null,
  entry: number,
  spot: number,
  stopLoss?: StopLoss,
  target?: Target,
): Levels {
  const s = sideSign(side);
  const d = deltaSign(side, right);
  const out: Levels = {
    stopLevel: null,
    initialStopLevel: null,
    targetLevel: null,
    stopSpotLevel: null,
    targetSpotLevel: null,
  };
  if (stopLoss) {
    switch (stopLoss.type) {
      case 'points':
        out.stopLevel = entry - s * stopLoss.value;
        break;
      case 'pct':
        out.stopLevel = entry * (1 - (s * stopLoss.value) / 100);
        break;
      case 'premium':
        out.stopLevel = stopLoss.value;
        break;
      case 'underlyingPoints':
        out.stopSpotLevel = spot - d * stopLoss.value;
        break;
      case 'underlyingPct':
        out.stopSpotLevel = spot * (1 - (d * stopLoss.value) / 100);
        break;
    }
    out.initialStopLevel = out.stopLevel;
  }
  if (target) {
    switch (target.type) {
      case 'points':
        out.targetLevel = entry + s * target.value;
        break;
      case 'pct':
        out.targetLevel = entry * (1 + (s * target.value) / 100);
        break;
      case 'premium':
        out.targetLevel = target.value;
        break;
      case 'underlyingPoints':
        out.targetSpotLevel = spot + d * target.value;
        break;
      case 'underlyingPct':
        out.targetSpotLevel = spot * (1 + (d * target.value) / 100);
        break;
    }
  }
  return out;
}

// Levels like 100 x 1.1 carry binary noise (110.00000000000001); a price on the level must reach it.
const EPS = 1e-9;
export const atOrAbove = (price: number, level: number) =>
  price >= level - EPS * Math.max(1, Math.abs(level));
export const atOrBelow = (price: number, level: number) =>
  price <= level + EPS * Math.max(1, Math.abs(level));

/** The premium has reached an adverse level: at or above it for a sell, at or below for a buy. */
export const premiumHitsStop = (side: Side, price: number, level: number) =>
  side === 'SELL' ? atOrAbove(price, level) : atOrBelow(price, level);
export const premiumHitsTarget = (side: Side, price: number, level: number) =>
  side === 'SELL' ? atOrBelow(price, level) : atOrAbove(price, level);
export const spotHitsStop = (sign: 1 | -1, spot: number, level: number) =>
  sign === 1 ? atOrBelow(spot, level) : atOrAbove(spot, level);
export const spotHitsTarget = (sign: 1 | -1, spot: number, level: number) =>
  sign === 1 ? atOrAbove(spot, level) : atOrBelow(spot, level);

/**
 * Trailing: for every `every` (points, or % of entry) the premium has moved in favour from entry,
 * the stop moves `by` (same unit) in favour from its initial level. Returns the steps and level.
 */
export function trailedStop(
  leg: Pick<LegState, 'side' | 'entryPrice' | 'bestPrice' | 'initialStopLevel'>,
  trailing: TrailingStop,
): { steps: number; level: number } | null {
  if (leg.entryPrice === null || leg.bestPrice === null || leg.initialStopLevel === null)
    return null;
  const s = sideSign(leg.side);
  const unit = (x: number) =>
    trailing.unit === 'pct' ? (leg.entryPrice as number) * (x / 100) : x;
  const favour = s * (leg.bestPrice - leg.entryPrice);
  const steps = favour > 0 ? Math.floor(favour / unit(trailing.every) + 1e-9) : 0;
  return { steps, level: leg.initialStopLevel + s * steps * unit(trailing.by) };
}
