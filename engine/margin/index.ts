/** Margin: what capital a position needs, approximated from exchange rules or answered by a broker. */
export {
  returnOnMargin,
  type MarginEstimate,
  type MarginMethod,
  type MarginPosition,
  type MarginSource,
} from './margin.ts';
export {
  approximateMargin,
  approximationMarginSource,
  indiaScanPct,
  scanRisk,
  INDIA_SPAN,
  US_REG_T,
  DERIBIT_STANDARD,
} from './approximation.ts';
export {
  parseKiteBasketMargins,
  kiteEstimate,
  kiteMarginOrder,
  kiteMarginSource,
  basketLegsOf,
  kiteAccountEstimate,
  type BasketLeg,
  type KiteBasketFigures,
  withFallback,
  KiteBasketMarginsResponse,
  type KiteBasketMargins,
  type KiteMargin,
  type KiteMarginOrder,
} from './kite.ts';
