/** Public face of the pricing library: what the rest of the engine, the CLI and the UI import. */
export { normCdf, normPdf, normInv } from './normal';
export {
  bsPrice,
  black76Price,
  optionPrice,
  greeks,
  intrinsic,
  priceBounds,
  priceInto,
  DAYS_PER_YEAR,
  type Right,
  type PricingModel,
  type OptionParams,
  type Greeks,
} from './black-scholes';
export {
  impliedVol,
  solveIv,
  IV_BELOW_INTRINSIC,
  IV_ABOVE_BOUND,
  IV_EXPIRED,
  IV_INVALID,
  type IvResult,
  type IvFailureReason,
} from './implied-vol';
export {
  priceChain,
  impliedVolChain,
  allocChainGreeks,
  type ChainMarket,
  type ChainArrays,
  type ChainGreeks,
} from './chain';
