/**
 * The block tree: which block type sits in which field of which parent. One table drives the
 * migration walk, the graph handle registry and the JSON Schema's per-block definitions.
 */
import type { z } from 'zod';
import { BasketSchema, ExecutionSchema } from './basket.ts';
import { ConditionsSchema } from './conditions.ts';
import { DeltaHedgeSchema } from './delta-hedge.ts';
import { LegSchema } from './leg.ts';
import { MomentumSchema } from './momentum.ts';
import { RangeBreakoutSchema } from './range-breakout.ts';
import { ReEntrySchema, StrategyReEntrySchema } from './re-entry.ts';
import { SizingSchema } from './sizing.ts';
import { StopLossSchema, TargetSchema } from './stop-loss.ts';
import {
  LockAndTrailSchema,
  LockSchema,
  StrategyStopLossSchema,
  StrategyTargetSchema,
  StrategyTrailingStopSchema,
  TrailToBreakEvenSchema,
} from './strategy-risk.ts';
import { StrategySchema } from './strategy.ts';
import { StrikeSelectorSchema } from './strike.ts';
import { TrailingStopSchema } from './trailing-stop.ts';
import type { BlockType } from './version.ts';

export const BLOCK_SCHEMAS: Record<BlockType, z.ZodType> = {
  basket: BasketSchema,
  execution: ExecutionSchema,
  strategy: StrategySchema,
  leg: LegSchema,
  strike: StrikeSelectorSchema,
  stopLoss: StopLossSchema,
  target: TargetSchema,
  trailingStop: TrailingStopSchema,
  reEntry: ReEntrySchema,
  momentum: MomentumSchema,
  strategyStopLoss: StrategyStopLossSchema,
  strategyTarget: StrategyTargetSchema,
  lock: LockSchema,
  lockAndTrail: LockAndTrailSchema,
  strategyTrailingStop: StrategyTrailingStopSchema,
  trailToBreakEven: TrailToBreakEvenSchema,
  rangeBreakout: RangeBreakoutSchema,
  conditions: ConditionsSchema,
  sizing: SizingSchema,
  strategyReEntry: StrategyReEntrySchema,
  deltaHedge: DeltaHedgeSchema,
};

/** A field of a block that holds child blocks: one (`many: false`) or an ordered list. */
export type ChildField = { field: string; block: BlockType; many: boolean; required: boolean };

export const BLOCK_CHILDREN: Record<BlockType, readonly ChildField[]> = {
  basket: [
    { field: 'execution', block: 'execution', many: false, required: false },
    { field: 'strategies', block: 'strategy', many: true, required: true },
  ],
  strategy: [
    { field: 'legs', block: 'leg', many: true, required: true },
    { field: 'stopLoss', block: 'strategyStopLoss', many: false, required: false },
    { field: 'target', block: 'strategyTarget', many: false, required: false },
    { field: 'lock', block: 'lock', many: false, required: false },
    { field: 'lockAndTrail', block: 'lockAndTrail', many: false, required: false },
    { field: 'trailingStop', block: 'strategyTrailingStop', many: false, required: false },
    { field: 'trailToBreakEven', block: 'trailToBreakEven', many: false, required: false },
    { field: 'momentum', block: 'momentum', many: false, required: false },
    { field: 'rangeBreakout', block: 'rangeBreakout', many: false, required: false },
    { field: 'conditions', block: 'conditions', many: false, required: false },
    { field: 'sizing', block: 'sizing', many: false, required: false },
    { field: 'reEntryOnStopLoss', block: 'strategyReEntry', many: false, required: false },
    { field: 'reEntryOnTarget', block: 'strategyReEntry', many: false, required: false },
    { field: 'deltaHedge', block: 'deltaHedge', many: false, required: false },
  ],
  leg: [
    { field: 'strike', block: 'strike', many: false, required: false },
    { field: 'stopLoss', block: 'stopLoss', many: false, required: false },
    { field: 'target', block: 'target', many: false, required: false },
    { field: 'trailingStop', block: 'trailingStop', many: false, required: false },
    { field: 'reEntryOnStopLoss', block: 'reEntry', many: false, required: false },
    { field: 'reEntryOnTarget', block: 'reEntry', many: false, required: false },
    { field: 'momentum', block: 'momentum', many: false, required: false },
  ],
  execution: [],
  strike: [],
  stopLoss: [],
  target: [],
  trailingStop: [],
  reEntry: [],
  momentum: [],
  strategyStopLoss: [],
  strategyTarget: [],
  lock: [],
  lockAndTrail: [],
  strategyTrailingStop: [],
  trailToBreakEven: [],
  rangeBreakout: [],
  conditions: [],
  sizing: [],
  strategyReEntry: [],
  deltaHedge: [],
};
