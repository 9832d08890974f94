/** The Strategy DSL v1: schemas, types, parsing and migration (docs/dsl.md). */
export { DSL_VERSION, BLOCK_TYPE_VERSIONS, BLOCK_TYPES, type BlockType } from './version.ts';
export {
  parseDsl,
  parseDslText,
  jsonDepth,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENT_DEPTH,
  type ParseResult,
} from './parse.ts';
export {
  migrate,
  MIGRATIONS,
  type MigrationTables,
  type MigrationSteps,
  type MigrateResult,
} from './migrate.ts';
export { pointer, parsePointer, toDslErrors, type DslError } from './errors.ts';
export { dslJsonSchema, DSL_SCHEMA_ID } from './json-schema.ts';
export { BLOCK_SCHEMAS, BLOCK_CHILDREN, type ChildField } from './blocks.ts';
export { Time, TIME_RE, minutesOf, Id, WEEKDAYS, Weekday } from './primitives.ts';
export { UNDERLYING_SYMBOLS, isKnownUnderlying, currencyOf } from './underlyings.ts';
export {
  DslDocumentSchema,
  BasketSchema,
  ExecutionSchema,
  SlippageSchema,
  CostModelSchema,
  MaxDailyLossSchema,
  type DslDocument,
  type DslDocumentInput,
  type Basket,
  type Execution,
  type CostModelChoice,
} from './basket.ts';
export {
  StrategySchema,
  EntrySchema,
  ExitSchema,
  DaysToExpirySchema,
  SquareOff,
  Underlying,
  findLazyCycle,
  type Strategy,
} from './strategy.ts';
export { LegSchema, ExpirySchema, type Leg, type Expiry } from './leg.ts';
export {
  StrikeSelectorSchema,
  AtmFrom,
  STRIKE_SELECTOR_TYPES,
  type StrikeSelector,
} from './strike.ts';
export {
  StopLossSchema,
  TargetSchema,
  LevelType,
  PREMIUM_LEVEL_TYPES,
  type StopLoss,
  type Target,
} from './stop-loss.ts';
export { TrailingStopSchema, type TrailingStop } from './trailing-stop.ts';
export {
  ReEntrySchema,
  StrategyReEntrySchema,
  MAX_REENTRIES,
  REENTRY_TYPES,
  type ReEntry,
  type StrategyReEntry,
} from './re-entry.ts';
export { MomentumSchema, type Momentum } from './momentum.ts';
export {
  StrategyStopLossSchema,
  StrategyTargetSchema,
  LockSchema,
  LockAndTrailSchema,
  StrategyTrailingStopSchema,
  TrailToBreakEvenSchema,
  OverallLevelType,
  type StrategyStopLoss,
  type StrategyTarget,
  type Lock,
  type LockAndTrail,
  type StrategyTrailingStop,
  type TrailToBreakEven,
} from './strategy-risk.ts';
export { RangeBreakoutSchema, type RangeBreakout } from './range-breakout.ts';
export { DeltaHedgeSchema, DELTA_HEDGE_LEG_ID, type DeltaHedge } from './delta-hedge.ts';
export { SizingSchema, RegimeMultipliersSchema, SIZING_METHODS, type Sizing } from './sizing.ts';
export {
  ConditionsSchema,
  RuleSchema,
  ConditionSchema,
  FactConditionSchema,
  FACTS,
  FACT_NAMES,
  OPERATORS,
  OPERATOR_NAMES,
  CUSTOM_OPERATORS,
  CUSTOM_OPERATOR_IMPLEMENTATIONS,
  CROSSING_OPERATORS,
  REGIMES,
  REGIME_THRESHOLDS,
  getFact,
  getOperator,
  factConditions,
  isFactCondition,
  legIdsReferenced,
  toEngineRule,
  type Conditions,
  type Rule,
  type Condition,
  type FactCondition,
  type FactSpec,
  type OperatorSpec,
  type Regime,
  type Crossing,
} from './conditions.ts';
