// Every example strategy on the real 2026-08-18 NIFTY 1-minute day (../shared/data), checked
// against the data itself: orders only at strikes and prices the snapshots show, and net P&L
// equal to the cash flows of the fills minus their costs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { costModelById } from '../broker/costs/cost-model.ts';
import { getInstrument } from '../market/instruments.ts';
import { backtestDocument } from './basket.ts';
import type { BacktestReport } from './backtest.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const shared = sharedDataDir() ?? path.resolve(repoRoot, '../shared/data');
const dayFile = path.join(
  shared,
  'chiragaibooks-Option-chain-Parquet',
  'option_chain_20260818.parquet',
);
const examplesDir = path.join(repoRoot, 'engine/dsl/examples');
const haveData = existsSync(dayFile);
if (!haveData)
  console.warn(
    `SKIP real-day backtests: ${dayFile} is absent (set STRIKEFLOW_SHARED_DATA to the shared data folder)`,
  );

const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const parsed = parseDsl(JSON.parse(readFileSync(path.join(examplesDir, f), 'utf8')));
    if (!parsed.ok)
      throw new Error(`example ${f} does not validate: ${JSON.stringify(parsed.errors)}`);
    return { file: f, doc: parsed.value };
  });

const fits = (doc: DslDocument) => doc.basket.strategies.every((s) => s.underlying === 'NIFTY');

const day: ChainSnapshot[] = [];
const byTs = new Map<string, ChainSnapshot>();
beforeAll(async () => {
  if (!haveData) return;
  for await (const s of readSnapshots(dayFile)) {
    day.push(s);
    byTs.set(s.ts, s);
  }
}, 60_000);

function cashFlowCheck(report: BacktestReport, doc: DslDocument) {
  const model = costModelById(report.settings.costModel.id);
  const lot = getInstrument(doc.basket.strategies[0].underlying).lotSize;
  let cash = 0;
  let costs = 0;
  for (const o of report.orders) {
    cash += (o.side === 'SELL' ? 1 : -1) * o.price * o.qty;
    costs += model.cost({
      side: o.side,
      qty: o.qty,
      contracts: o.qty / lot,
      price: o.price,
      spot: byTs.get(o.ts)!.spot,
    }).total;
  }
  // An expired leg settled at intrinsic value is a cash flow without an order.
  for (const st of report.settlements) cash += (st.side === 'SELL' ? 1 : -1) * st.price * st.qty;
  let open = 0;
  for (const p of report.openPositions)
    open += (p.side === 'BUY' ? 1 : -1) * p.qty * (p.mark ?? p.entryPrice);
  return { cash, costs, open };
}

describe.skipIf(!haveData)('examples on the real NIFTY day 2026-08-18', () => {
  const nifty = examples.filter((e) => fits(e.doc));
  for (const e of examples.filter((x) => !fits(x.doc))) {
    it.skip(`${e.file}: underlying ${e.doc.basket.strategies.map((s) => s.underlying).join('/')} is not in this NIFTY dataset`, () => {});
  }

  let ordersSeen = 0;
  for (const e of nifty) {
    it(`${e.file}: orders only at listed strikes and quoted prices; net P&L = fill cash flows - costs`, async () => {
      const report = await backtestDocument(e.doc, day, {
        overrides: { costModel: 'india-index-options', slippage: { kind: 'none' } },
      });
      ordersSeen += report.orders.length;
      console.info(
        `${e.file}: ${report.orders.length} orders, ${report.settlements.length} settlements, net ${report.summary.netPnl} ${report.settings.currency}`,
      );
      for (const o of report.orders) {
        const snap = byTs.get(o.ts);
        expect(snap, `order ${o.id} at ${o.ts} has no snapshot`).toBeDefined();
        const q = snap!.expiries
          .find((x) => x.expiry === o.expiry)
          ?.options.find((x) => x.strike === o.strike && x.right === o.right);
        expect(
          q,
          `order ${o.id}: ${o.expiry} ${o.strike} ${o.right} is not in the snapshot at ${o.ts}`,
        ).toBeDefined();
        expect([q!.bid, q!.ask, q!.ltp]).toContain(o.price);
      }
      const { cash, costs, open } = cashFlowCheck(report, e.doc);
      expect(report.summary.costs).toBeCloseTo(costs, 2);
      expect(report.summary.netPnl).toBeCloseTo(cash + open - costs, 1);
      expect(report.summary.grossPnl).toBeCloseTo(cash + open, 1);
    });
  }

  // An expiry day: the condor rolls into the following weekly (25-Aug, 7 days out) with all four legs.
  it('nifty-iron-condor-delta.json opens its four delta legs in the next weekly on this expiry day', async () => {
    const e = nifty.find((x) => x.file === 'nifty-iron-condor-delta.json')!;
    const report = await backtestDocument(e.doc, day, {
      overrides: { slippage: { kind: 'none' } },
    });
    const entries = report.orders.filter((o) => o.reason === 'ENTRY');
    expect(entries.map((o) => o.legId).sort()).toEqual([
      'long-ce',
      'long-pe',
      'short-ce',
      'short-pe',
    ]);
    expect(new Set(entries.map((o) => o.expiry))).toEqual(new Set(['2026-08-25']));
    expect(report.settings.costModel.id).toBe('india-index-options');
    expect(report.summary.costs).toBeGreaterThan(0);
  });

  it('at least one NIFTY example trades on this day (the checks above are not vacuous)', () => {
    expect(ordersSeen).toBeGreaterThan(0);
  });

  it('the same inputs twice give a byte-identical report', async () => {
    const e = nifty[0];
    const a = JSON.stringify(
      await backtestDocument(e.doc, day, { overrides: { costModel: 'india-index-options' } }),
    );
    const b = JSON.stringify(
      await backtestDocument(e.doc, day, { overrides: { costModel: 'india-index-options' } }),
    );
    expect(a.length).toBeGreaterThan(100);
    expect(b).toBe(a);
  });
});
