/**
 * Values the DSL accepts but a trader almost never means: a 10,000 % stop-loss, a trailing stop
 * that moves further than the price did, no costs at all. Warnings, not errors: the strategy
 * still compiles and runs; the builder just says what looks wrong and what is typical.
 */
import { marketOf } from '@/engine/dsl/describe';
import type { GraphDoc } from './graph-types';
import { readLegs } from './leg-model';

export type Warning = { nodeId: string; field: string; message: string };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function findWarnings(doc: Pick<GraphDoc, 'nodes' | 'edges'>): Warning[] {
  const out: Warning[] = [];
  const model = readLegs(doc);
  for (const s of model.strategies) {
    for (const leg of s.legs) {
      const side = leg.node.data.side;
      const sl = leg.children.stopLoss;
      if (sl) {
        const v = num(sl.data.value);
        const t = sl.data.type;
        if (v !== undefined && t === 'pct' && side === 'SELL' && v > 300)
          out.push({
            nodeId: sl.id,
            field: 'value',
            message: `a ${v.toLocaleString('en-US')} % stop-loss lets the premium grow ${Math.round(v / 100 + 1)}× before exiting; short-option stops are usually 20–100 %`,
          });
        if (v !== undefined && t === 'underlyingPct' && v > 10)
          out.push({
            nodeId: sl.id,
            field: 'value',
            message: `a ${v} % move of the underlying is rare in one session; this stop will almost never trigger`,
          });
      }
      const tg = leg.children.target;
      if (tg) {
        const v = num(tg.data.value);
        if (v !== undefined && tg.data.type === 'pct' && side === 'BUY' && v > 1000)
          out.push({
            nodeId: tg.id,
            field: 'value',
            message: `a ${v.toLocaleString('en-US')} % target needs the premium to grow ${Math.round(v / 100 + 1)}×; long-option targets are usually 30–200 %`,
          });
      }
      const tr = leg.children.trailingStop;
      if (tr) {
        const every = num(tr.data.every);
        const by = num(tr.data.by);
        if (every !== undefined && by !== undefined && by > every)
          out.push({
            nodeId: tr.id,
            field: 'by',
            message: `the stop moves ${by} for every ${every} in favour: further than the price moved, so it can stop out a winning position at once`,
          });
      }
      const lots = num(leg.node.data.lots);
      if (lots !== undefined && lots > 50)
        out.push({
          nodeId: leg.node.id,
          field: 'lots',
          message: `${lots} lots per leg is unusually large; check the quantity (lots × lot size)`,
        });
    }
    const osl = s.children.stopLoss;
    if (osl && osl.data.type === 'premiumPct' && (num(osl.data.value) ?? 0) > 300)
      out.push({
        nodeId: osl.id,
        field: 'value',
        message: `an overall stop at ${num(osl.data.value)} % of premium rarely triggers; 30–100 % is typical`,
      });
  }
  const first = model.strategies[0]?.node.data.underlying;
  const market = marketOf(typeof first === 'string' ? first : undefined);
  if (market && model.basket) {
    const cost = (model.execution?.data.costModel as { type?: string } | undefined)?.type ?? 'none';
    if (cost === 'none')
      out.push({
        nodeId: model.execution?.id ?? model.basket.id,
        field: model.execution ? 'costModel' : 'execution',
        message: `no brokerage, fees or taxes: backtests will look better than a contract note; ${market.label} use the "${market.costModel}" cost model`,
      });
  }
  return out;
}
