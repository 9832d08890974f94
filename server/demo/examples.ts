/**
 * The demo account's example strategies: DSL v1 documents (docs/dsl.md on the dsl branch) and
 * their canvas graphs. Written by hand while the DSL and the graph compiler land in parallel;
 * once engine/dsl/examples and engine/graph's decompile are on main, take the examples from there.
 */

type Json = Record<string, unknown>;
type GraphNode = { id: string; type: string; typeVersion: 1; position: { x: number; y: number }; data: Json };
type GraphEdge = { id: string; source: string; sourceHandle: 'out'; target: string; targetHandle: string };

export type DemoStrategy = { name: string; description: string; dsl: Json; graph: Json };

/** Lays a block tree out as the graph document: children to the left of their parents, one row per leaf. */
function graphOf(root: Block): Json {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let row = 0;
  const place = (block: Block, depth: number): string => {
    const id = `n${nodes.length + 1}`;
    const node: GraphNode = { id, type: block.type, typeVersion: 1, position: { x: 0, y: 0 }, data: block.data };
    nodes.push(node);
    const ys: number[] = [];
    for (const [handle, children] of Object.entries(block.children ?? {})) {
      for (const child of children) {
        const childId = place(child, depth + 1);
        edges.push({ id: `e${edges.length + 1}`, source: childId, sourceHandle: 'out', target: id, targetHandle: handle });
        ys.push(nodes.find((n) => n.id === childId)!.position.y);
      }
    }
    const y = ys.length > 0 ? (Math.min(...ys) + Math.max(...ys)) / 2 : row++ * 120;
    node.position = { x: -depth * 280, y };
    return id;
  };
  place(root, 0);
  return { graphVersion: 1, nodes, edges, viewport: { x: 0, y: 0, zoom: 0.8 } };
}

type Block = { type: string; data: Json; children?: Record<string, Block[]> };

const weekly = { kind: 'weekly', offset: 0 };

function straddle(): DemoStrategy {
  const legSl = { typeVersion: 1, type: 'pct', value: 25 };
  const leg = (id: string, kind: 'CE' | 'PE') => ({
    typeVersion: 1,
    id,
    kind,
    side: 'SELL',
    lots: 1,
    expiry: weekly,
    strike: { typeVersion: 1, type: 'atm', atmFrom: 'spot' },
    stopLoss: legSl,
  });
  const strategy = {
    typeVersion: 1,
    id: 'straddle',
    name: 'ATM short straddle',
    underlying: 'NIFTY',
    entry: { time: '09:20', weekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
    exit: { time: '15:15' },
    legs: [leg('ce', 'CE'), leg('pe', 'PE')],
    stopLoss: { typeVersion: 1, type: 'mtm', value: 5000 },
  };
  const basket = {
    typeVersion: 1,
    name: 'NIFTY 09:20 short straddle',
    description: 'Sell the weekly ATM call and put at 09:20 with a 25% stop-loss on each leg; square off at 15:15.',
    capital: 500000,
    maxDailyLoss: { type: 'amount', value: 10000 },
    strategies: [strategy],
  };
  const legBlock = (l: ReturnType<typeof leg>): Block => ({
    type: 'leg',
    data: { id: l.id, kind: l.kind, side: l.side, lots: l.lots, expiry: l.expiry },
    children: {
      strike: [{ type: 'strike', data: { type: 'atm', atmFrom: 'spot' } }],
      stopLoss: [{ type: 'stopLoss', data: { type: 'pct', value: 25 } }],
    },
  });
  const graph = graphOf({
    type: 'basket',
    data: { name: basket.name, description: basket.description, capital: basket.capital, maxDailyLoss: basket.maxDailyLoss },
    children: {
      strategies: [
        {
          type: 'strategy',
          data: { id: strategy.id, name: strategy.name, underlying: strategy.underlying, entry: strategy.entry, exit: strategy.exit },
          children: {
            legs: strategy.legs.map(legBlock),
            stopLoss: [{ type: 'strategyStopLoss', data: { type: 'mtm', value: 5000 } }],
          },
        },
      ],
    },
  });
  return { name: basket.name, description: basket.description, dsl: { dslVersion: 1, basket }, graph };
}

function ironCondor(): DemoStrategy {
  const leg = (id: string, kind: 'CE' | 'PE', side: 'BUY' | 'SELL', steps: number) => ({
    typeVersion: 1,
    id,
    kind,
    side,
    lots: 1,
    expiry: weekly,
    strike: { typeVersion: 1, type: 'otm', steps, atmFrom: 'spot' },
    hedge: side === 'BUY',
  });
  const legs = [
    leg('callWing', 'CE', 'BUY', 10),
    leg('putWing', 'PE', 'BUY', 10),
    leg('shortCall', 'CE', 'SELL', 4),
    leg('shortPut', 'PE', 'SELL', 4),
  ];
  const strategy = {
    typeVersion: 1,
    id: 'condor',
    name: 'Weekly iron condor',
    underlying: 'BANKNIFTY',
    entry: { time: '09:30', weekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'] },
    exit: { time: '15:20' },
    legs,
    target: { typeVersion: 1, type: 'premiumPct', value: 50 },
    stopLoss: { typeVersion: 1, type: 'premiumPct', value: 100 },
  };
  const basket = {
    typeVersion: 1,
    name: 'BANKNIFTY iron condor',
    description: 'Sell the 4th OTM call and put, buy the 10th OTM wings as hedges; take profit at half the premium, stop at 100%.',
    capital: 300000,
    strategies: [strategy],
  };
  const graph = graphOf({
    type: 'basket',
    data: { name: basket.name, description: basket.description, capital: basket.capital },
    children: {
      strategies: [
        {
          type: 'strategy',
          data: { id: strategy.id, name: strategy.name, underlying: strategy.underlying, entry: strategy.entry, exit: strategy.exit },
          children: {
            legs: legs.map((l) => ({
              type: 'leg',
              data: { id: l.id, kind: l.kind, side: l.side, lots: l.lots, expiry: l.expiry, hedge: l.hedge },
              children: { strike: [{ type: 'strike', data: { type: 'otm', steps: l.strike.steps, atmFrom: 'spot' } }] },
            })),
            target: [{ type: 'strategyTarget', data: { type: 'premiumPct', value: 50 } }],
            stopLoss: [{ type: 'strategyStopLoss', data: { type: 'premiumPct', value: 100 } }],
          },
        },
      ],
    },
  });
  return { name: basket.name, description: basket.description, dsl: { dslVersion: 1, basket }, graph };
}

export function demoStrategies(): DemoStrategy[] {
  return [straddle(), ironCondor()];
}
