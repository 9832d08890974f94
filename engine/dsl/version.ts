/** The DSL's version numbers: the document's `dslVersion` and each block's current `typeVersion`. */
export const DSL_VERSION = 1 as const;

/** Every block type in the DSL and the typeVersion this build writes. */
export const BLOCK_TYPE_VERSIONS = {
  basket: 1,
  execution: 1,
  strategy: 1,
  /** 2: `kind: CE|PE|FUT` became `instrument: option|future` + `right: CE|PE` (options only). */
  leg: 2,
  strike: 1,
  stopLoss: 1,
  target: 1,
  trailingStop: 1,
  reEntry: 1,
  momentum: 1,
  strategyStopLoss: 1,
  strategyTarget: 1,
  lock: 1,
  lockAndTrail: 1,
  strategyTrailingStop: 1,
  trailToBreakEven: 1,
  rangeBreakout: 1,
  conditions: 1,
  sizing: 1,
  strategyReEntry: 1,
  deltaHedge: 1,
} as const;

export type BlockType = keyof typeof BLOCK_TYPE_VERSIONS;
export const BLOCK_TYPES = Object.keys(BLOCK_TYPE_VERSIONS) as BlockType[];
