/**
 * The handle registry: which node types exist, which input handles each has, which node types
 * an input accepts and how many. The canvas's isValidConnection and the compiler both use it.
 */
import { BLOCK_CHILDREN, BLOCK_TYPES, BLOCK_TYPE_VERSIONS, type BlockType } from '../dsl/index.ts';

export const OUT_HANDLE = 'out';

export type InputHandle = {
  /** The parent's DSL field the child fills. */
  handle: string;
  accepts: readonly BlockType[];
  /** Several children (an ordered list) or at most one. */
  many: boolean;
  /** A lazy-leg link: the edge names a leg without making it the reEntry's child. */
  link?: true;
};

export type NodeTypeSpec = {
  type: BlockType;
  label: string;
  typeVersion: number;
  inputs: readonly InputHandle[];
  /** The basket is the root: nothing takes it as input. */
  hasOutput: boolean;
};

const LABELS: Record<BlockType, string> = {
  basket: 'Basket',
  execution: 'Execution',
  strategy: 'Strategy',
  leg: 'Leg',
  strike: 'Strike selector',
  stopLoss: 'Stop-loss',
  target: 'Target',
  trailingStop: 'Trailing stop',
  reEntry: 'Re-entry',
  momentum: 'Momentum',
  strategyStopLoss: 'Overall stop-loss',
  strategyTarget: 'Overall target',
  lock: 'Profit lock',
  lockAndTrail: 'Lock and trail',
  strategyTrailingStop: 'Overall trailing stop',
  trailToBreakEven: 'Trail SL to break-even',
  rangeBreakout: 'Range breakout',
  conditions: 'Conditions',
  sizing: 'Sizing',
  strategyReEntry: 'Strategy re-entry',
  deltaHedge: 'Delta hedge',
};

/** The lazy-leg link: a reEntry of type "lazy" points at the leg it opens. */
export const LAZY_LEG_HANDLE: InputHandle = {
  handle: 'leg',
  accepts: ['leg'],
  many: false,
  link: true,
};

export const NODE_TYPES: Record<BlockType, NodeTypeSpec> = Object.fromEntries(
  BLOCK_TYPES.map((type): [BlockType, NodeTypeSpec] => [
    type,
    {
      type,
      label: LABELS[type],
      typeVersion: BLOCK_TYPE_VERSIONS[type],
      inputs: [
        ...BLOCK_CHILDREN[type].map((c): InputHandle => ({
          handle: c.field,
          accepts: [c.block],
          many: c.many,
        })),
        ...(type === 'reEntry' ? [LAZY_LEG_HANDLE] : []),
      ],
      hasOutput: type !== 'basket',
    },
  ]),
) as Record<BlockType, NodeTypeSpec>;

export function isBlockType(t: string): t is BlockType {
  return Object.prototype.hasOwnProperty.call(NODE_TYPES, t);
}

export function inputOf(type: BlockType, handle: string): InputHandle | undefined {
  return NODE_TYPES[type].inputs.find((i) => i.handle === handle);
}

/** Fields of a block that come from edges, never from node data. */
export function edgeFields(type: BlockType): string[] {
  return NODE_TYPES[type].inputs.map((i) => i.handle);
}

/** For the canvas: may an edge go from a `sourceType` node's out handle to this input? */
export function isValidConnection(
  sourceType: string,
  sourceHandle: string,
  targetType: string,
  targetHandle: string,
): boolean {
  if (!isBlockType(sourceType) || !isBlockType(targetType) || sourceHandle !== OUT_HANDLE)
    return false;
  if (!NODE_TYPES[sourceType].hasOutput) return false;
  const input = inputOf(targetType, targetHandle);
  return !!input && input.accepts.includes(sourceType);
}
