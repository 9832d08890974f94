/** Public face of market data: catalog, calendars, expiries, snapshots, derived values, the simulator. */
export {
  INSTRUMENTS,
  getInstrument,
  findInstrument,
  InstrumentSchema,
  type Instrument,
  type ExpiryRules,
} from './instruments';
export {
  ChainSnapshotSchema,
  ExpiryChainSchema,
  OptionQuoteSchema,
  RightSchema,
  IsoDateSchema,
  IsoTimestampSchema,
  parseSnapshot,
  type ChainSnapshot,
  type ExpiryChain,
  type OptionQuote,
  type Right,
} from './snapshot';
export {
  HOLIDAYS,
  isTradingDay,
  previousTradingDay,
  nextTradingDay,
  sessionBounds,
  formatTimestamp,
  localDate,
  zonedInstant,
  addDays,
  weekday,
} from './calendar';
export {
  resolveExpiry,
  expiriesFrom,
  expiryInstant,
  expiryKinds,
  listedExpiries,
  yearsToExpiry,
  type ExpiryKind,
} from './expiry';
export { markPrice, findQuote, strikesOf } from './quote';
export {
  expiryPricing,
  findExpiry,
  snapshotInstant,
  type ExpiryPricing,
  type PricingOverrides,
} from './pricing-context';
export {
  atmOf,
  atmStrike,
  contractPrice,
  expiryChain,
  futuresPrice,
  strikeFromAtm,
  straddlePremium,
  syntheticFuture,
  type AtmReference,
} from './atm';
export {
  quoteIv,
  withSolvedIvs,
  optionGreeks,
  deltas,
  smile,
  atmIv,
  termStructure,
  ivRank,
  ivRankOverLookback,
  type SmilePoint,
  type TermPoint,
} from './volatility';
export { pcr, maxPain, painCurve } from './open-interest';
export { settlementValue } from './settlement';
export {
  SimulatedMarket,
  simulateSession,
  simulateDays,
  sessionInstants,
  type SimulatorOptions,
} from './simulator';
export { createRng, mixSeed, type Rng } from './random';
