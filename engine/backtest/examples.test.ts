// Every example strategy backtested on real data from ../shared/data, with its exact figures pinned
// (orders and net P&L: a change to any of them is a change in behaviour to explain), and checked
// against the data itself: orders only at contracts and prices the snapshots show, and net P&L
// equal to the cash flows of the fills minus their costs. NIFTY examples run on the 2026-08-18
// 1-minute day, BANKNIFTY on the 26-30 Aug 2019 15-minute week (2019 lot sizes and taxes), BTC on
// the 2021-02-11 Deribit sweep, SPY on the 2025-08-26 end-of-day chain.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDsl, type DslDocument } from '@/engine/dsl';
import type { ChainSnapshot } from '@/engine/runtime/types';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { futuresPrice } from '../market/atm.ts';
import { lotSizeOf } from '../reference/contracts.ts';
import { backtestDocument } from './basket.ts';
import { basketCostModel } from './settings.ts';
import type { BacktestReport } from './backtest.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const shared = sharedDataDir() ?? path.resolve(repoRoot, '../shared/data');
const DATA: Record<string, string> = {
  NIFTY: 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet',
  BANKNIFTY: 'rohmhatre-optionchaindata/BANKNIFTY',
  SPY: 'owenyi2-financial_data/SPY_options.csv',
  BTC: 'bottama-Deribit-Option-Data/btc_option_data.csv',
};
const haveData = existsSync(path.join(shared, DATA.NIFTY));
if (!haveData)
  console.warn(
    `SKIP real-data example backtests: ${shared} is absent (set STRIKEFLOW_SHARED_DATA)`,
  );

const examplesDir = path.join(repoRoot, 'engine/dsl/examples');

/**
 * The SPY chain is one snapshot taken after the 16:00 close: the credit spread is run with its
 * IV-rank filters and DTE window lifted (one snapshot has no history) and its times moved around
 * 16:15, so its delta selectors pick real strikes from a real SPY chain.
 */
function fitToData(file: string, json: { basket: { strategies: Record<string, unknown>[] } }) {
  if (file !== 'spy-ivrank-credit-spread.json') return json;
  const s = json.basket.strategies[0] as Record<string, Record<string, unknown>>;
  s.entry.time = '16:10';
  s.exit.time = '16:30';
  delete s.daysToExpiry;
  s.conditions = { typeVersion: 1, entry: [], exit: [] };
  return json;
}

const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const parsed = parseDsl(
      fitToData(f, JSON.parse(readFileSync(path.join(examplesDir, f), 'utf8'))),
    );
    if (!parsed.ok)
      throw new Error(`example ${f} does not validate: ${JSON.stringify(parsed.errors)}`);
    return { file: f, doc: parsed.value, underlying: parsed.value.basket.strategies[0].underlying };
  });

type Pinned = {
  net: number;
  costs: number;
  // ts, leg, side, strike and right (null, null for a future), qty, price, reason
  orders: [string, string, string, number | null, string | null, number, number, string][];
};
// prettier-ignore
const PINNED: Record<string, Pinned> = {
'banknifty-straddle-width-momentum.json': { net: 2638.91, costs: 450.09, orders: [
  ['2019-08-26T10:00', 'ce', 'SELL', 27500, 'CE', 20, 146.5, 'ENTRY'],
  ['2019-08-26T12:00', 'pe', 'SELL', 26900, 'PE', 20, 155.15, 'ENTRY'],
  ['2019-08-26T12:15', 'ce', 'BUY', 27500, 'CE', 20, 192.7, 'TRAILING_STOP'],
  ['2019-08-26T15:15', 'pe', 'BUY', 26900, 'PE', 20, 47.55, 'EXIT_TIME'],
  ['2019-08-27T10:00', 'pe', 'SELL', 27700, 'PE', 20, 140.6, 'ENTRY'],
  ['2019-08-27T13:45', 'ce', 'SELL', 28300, 'CE', 20, 128.15, 'ENTRY'],
  ['2019-08-27T15:16', 'ce', 'BUY', 28300, 'CE', 20, 138, 'EXIT_TIME'],
  ['2019-08-27T15:16', 'pe', 'BUY', 27700, 'PE', 20, 77.6, 'EXIT_TIME'],
  ['2019-08-28T10:00', 'ce', 'SELL', 28200, 'CE', 20, 80.9, 'ENTRY'],
  ['2019-08-28T11:15', 'pe', 'SELL', 27800, 'PE', 20, 107.3, 'ENTRY'],
  ['2019-08-28T13:00', 'pe', 'BUY', 27800, 'PE', 20, 141, 'STOP_LOSS'],
  ['2019-08-28T15:15', 'ce', 'BUY', 28200, 'CE', 20, 29.65, 'EXIT_TIME'],
  ['2019-08-29T10:00', 'pe', 'SELL', 27500, 'PE', 20, 47.2, 'ENTRY'],
  ['2019-08-29T10:30', 'pe', 'BUY', 27500, 'PE', 20, 75, 'STOP_LOSS'],
  ['2019-08-29T10:45', 'ce', 'SELL', 27700, 'CE', 20, 42.6, 'ENTRY'],
  ['2019-08-29T15:15', 'ce', 'BUY', 27700, 'CE', 20, 0.25, 'EXIT_TIME'],
  ['2019-08-30T10:15', 'ce', 'SELL', 27900, 'CE', 20, 126.2, 'ENTRY'],
  ['2019-08-30T15:15', 'ce', 'BUY', 27900, 'CE', 20, 118.4, 'EXIT_TIME'],
]},
'btc-straddle.json': { net: -544.41, costs: 45.86, orders: [
  ['2021-02-11T18:38', 'ce', 'BUY', 45500, 'CE', 1, 1584.39, 'ENTRY'],
  ['2021-02-11T18:38', 'pe', 'BUY', 45500, 'PE', 1, 1064.39, 'ENTRY'],
  ['2021-02-11T18:44', 'ce', 'SELL', 45500, 'CE', 1, 2127.6, 'EXIT_TIME'],
  ['2021-02-11T18:44', 'pe', 'SELL', 45500, 'PE', 1, 22.63, 'EXIT_TIME'],
]},
'nifty-iron-condor-delta.json': { net: 262.81, costs: 218.19, orders: [
  ['2026-08-18T11:00', 'long-ce', 'BUY', 24700, 'CE', 130, 14.15, 'ENTRY'],
  ['2026-08-18T11:00', 'long-pe', 'BUY', 23650, 'PE', 130, 11, 'ENTRY'],
  ['2026-08-18T11:00', 'short-ce', 'SELL', 24500, 'CE', 130, 40.05, 'ENTRY'],
  ['2026-08-18T11:00', 'short-pe', 'SELL', 23900, 'PE', 130, 33.3, 'ENTRY'],
  ['2026-08-18T15:10', 'short-ce', 'BUY', 24500, 'CE', 130, 38.25, 'EXIT_TIME'],
  ['2026-08-18T15:10', 'short-pe', 'BUY', 23900, 'PE', 130, 29.05, 'EXIT_TIME'],
  ['2026-08-18T15:10', 'long-ce', 'SELL', 24700, 'CE', 130, 13.2, 'EXIT_TIME'],
  ['2026-08-18T15:10', 'long-pe', 'SELL', 23650, 'PE', 130, 9.6, 'EXIT_TIME'],
]},
'nifty-lazy-legs.json': { net: 1169.52, costs: 104.48, orders: [
  ['2026-08-18T10:43', 'ce', 'SELL', 24200, 'CE', 65, 45, 'ENTRY'],
  ['2026-08-18T10:43', 'pe', 'SELL', 24200, 'PE', 65, 24.2, 'ENTRY'],
  ['2026-08-18T10:54', 'pe', 'BUY', 24200, 'PE', 65, 32.55, 'STOP_LOSS'],
  ['2026-08-18T15:20', 'ce', 'BUY', 24200, 'CE', 65, 17.05, 'EXIT_TIME'],
]},
'nifty-short-straddle-recost.json': { net: 394.85, costs: 206.4, orders: [
  ['2026-08-18T10:43', 'ce', 'SELL', 24200, 'CE', 65, 45, 'ENTRY'],
  ['2026-08-18T10:43', 'pe', 'SELL', 24200, 'PE', 65, 24.2, 'ENTRY'],
  ['2026-08-18T10:53', 'pe', 'BUY', 24200, 'PE', 65, 30.7, 'STOP_LOSS'],
  ['2026-08-18T12:05', 'pe', 'SELL', 24200, 'PE', 65, 23.7, 'REENTRY'],
  ['2026-08-18T13:06', 'pe', 'BUY', 24200, 'PE', 65, 30.4, 'STOP_LOSS'],
  ['2026-08-18T13:10', 'pe', 'SELL', 24200, 'PE', 65, 23.1, 'REENTRY'],
  ['2026-08-18T15:15', 'ce', 'BUY', 24200, 'CE', 65, 35.2, 'EXIT_TIME'],
  ['2026-08-18T15:15', 'pe', 'BUY', 24200, 'PE', 65, 10.45, 'EXIT_TIME'],
]},
'nifty-strangle-premium-range-lock-and-trail.json': { net: 3009.79, costs: 90.71, orders: [
  ['2026-08-18T10:43', 'ce', 'SELL', 24200, 'CE', 130, 44.75, 'ENTRY'],
  ['2026-08-18T10:43', 'pe', 'SELL', 24250, 'PE', 130, 49.5, 'ENTRY'],
  ['2026-08-18T15:15', 'ce', 'BUY', 24200, 'CE', 130, 35.4, 'EXIT_TIME'],
  ['2026-08-18T15:15', 'pe', 'BUY', 24250, 'PE', 130, 35, 'EXIT_TIME'],
]},
'nifty-straddle-delta-hedge.json': { net: -10532.44, costs: 12287.44, orders: [
  ['2026-08-18T10:43', 'ce', 'SELL', 24200, 'CE', 130, 45, 'ENTRY'],
  ['2026-08-18T10:43', 'pe', 'SELL', 24200, 'PE', 130, 24.2, 'ENTRY'],
  ['2026-08-18T10:44', 'deltaHedge', 'BUY', null, null, 65, 24242.85, 'HEDGE'],
  ['2026-08-18T10:47', 'deltaHedge', 'SELL', null, null, 65, 24242.1, 'HEDGE'],
  ['2026-08-18T11:31', 'deltaHedge', 'SELL', null, null, 65, 24219.2, 'HEDGE'],
  ['2026-08-18T11:39', 'deltaHedge', 'BUY', null, null, 65, 24229.7, 'HEDGE'],
  ['2026-08-18T12:06', 'deltaHedge', 'BUY', null, null, 65, 24249.65, 'HEDGE'],
  ['2026-08-18T12:44', 'deltaHedge', 'SELL', null, null, 65, 24235, 'HEDGE'],
  ['2026-08-18T13:06', 'deltaHedge', 'SELL', null, null, 65, 24230.45, 'HEDGE'],
  ['2026-08-18T13:10', 'deltaHedge', 'BUY', null, null, 65, 24235.9, 'HEDGE'],
  ['2026-08-18T13:58', 'deltaHedge', 'SELL', null, null, 65, 24231.65, 'HEDGE'],
  ['2026-08-18T14:03', 'deltaHedge', 'BUY', null, null, 65, 24231.65, 'HEDGE'],
  ['2026-08-18T14:12', 'deltaHedge', 'SELL', null, null, 65, 24231.9, 'HEDGE'],
  ['2026-08-18T14:30', 'deltaHedge', 'BUY', null, null, 65, 24233.5, 'HEDGE'],
  ['2026-08-18T14:36', 'deltaHedge', 'SELL', null, null, 65, 24242.7, 'HEDGE'],
  ['2026-08-18T14:39', 'deltaHedge', 'BUY', null, null, 65, 24236.15, 'HEDGE'],
  ['2026-08-18T14:45', 'deltaHedge', 'BUY', null, null, 65, 24237.1, 'HEDGE'],
  ['2026-08-18T14:46', 'deltaHedge', 'SELL', null, null, 65, 24236.45, 'HEDGE'],
  ['2026-08-18T14:47', 'deltaHedge', 'BUY', null, null, 65, 24240.5, 'HEDGE'],
  ['2026-08-18T14:57', 'deltaHedge', 'BUY', null, null, 65, 24245.9, 'HEDGE'],
  ['2026-08-18T15:05', 'deltaHedge', 'SELL', null, null, 65, 24245.95, 'HEDGE'],
  ['2026-08-18T15:07', 'deltaHedge', 'SELL', null, null, 65, 24245.65, 'HEDGE'],
  ['2026-08-18T15:08', 'deltaHedge', 'SELL', null, null, 65, 24242.35, 'HEDGE'],
  ['2026-08-18T15:09', 'deltaHedge', 'BUY', null, null, 65, 24241.4, 'HEDGE'],
  ['2026-08-18T15:10', 'deltaHedge', 'SELL', null, null, 65, 24242.4, 'HEDGE'],
  ['2026-08-18T15:14', 'deltaHedge', 'SELL', null, null, 65, 24246.7, 'HEDGE'],
  ['2026-08-18T15:15', 'ce', 'BUY', 24200, 'CE', 130, 35.2, 'EXIT_TIME'],
  ['2026-08-18T15:15', 'pe', 'BUY', 24200, 'PE', 130, 10.45, 'EXIT_TIME'],
  ['2026-08-18T15:15', 'deltaHedge', 'BUY', null, null, 130, 24244.15, 'EXIT_TIME'],
]},
'spy-ivrank-credit-spread.json': { net: -40.99, costs: 10.99, orders: [
  ['2025-08-26T16:15', 'long-put', 'BUY', 640, 'PE', 500, 0.33, 'ENTRY'],
  ['2025-08-26T16:15', 'short-put', 'SELL', 643, 'PE', 500, 0.71, 'ENTRY'],
  ['2025-08-26T16:15', 'short-put', 'BUY', 643, 'PE', 500, 0.74, 'EXIT_TIME'],
  ['2025-08-26T16:15', 'long-put', 'SELL', 640, 'PE', 500, 0.3, 'EXIT_TIME'],
]},
};

const data = new Map<string, ChainSnapshot[]>();
const byKey = new Map<string, ChainSnapshot>();
beforeAll(async () => {
  if (!haveData) return;
  for (const [u, rel] of Object.entries(DATA)) {
    const snaps: ChainSnapshot[] = [];
    for await (const s of readSnapshots(path.join(shared, rel))) {
      snaps.push(s);
      byKey.set(`${s.underlying}@${s.ts}`, s);
    }
    data.set(u, snaps);
  }
}, 120_000);

function cashFlowCheck(report: BacktestReport, doc: DslDocument) {
  const model = basketCostModel(doc);
  const u = doc.basket.strategies[0].underlying;
  let cash = 0;
  let costs = 0;
  for (const o of report.orders) {
    cash += (o.side === 'SELL' ? 1 : -1) * o.price * o.qty;
    costs += model.cost({
      side: o.side,
      qty: o.qty,
      contracts: o.qty / lotSizeOf(u, o.expiry).lotSize,
      price: o.price,
      spot: byKey.get(`${u}@${o.ts}`)!.spot,
      date: o.ts.slice(0, 10),
      instrument: o.instrument,
    }).total;
  }
  for (const st of report.settlements) cash += (st.side === 'SELL' ? 1 : -1) * st.price * st.qty;
  let open = 0;
  for (const p of report.openPositions)
    open += (p.side === 'BUY' ? 1 : -1) * p.qty * (p.mark ?? p.entryPrice);
  return { cash, costs, open };
}

describe.skipIf(!haveData)('examples on real data', () => {
  for (const e of examples.filter((x) => !DATA[x.underlying]))
    it.skip(`${e.file}: no ${e.underlying} option chains in ../shared/data (it is validated and run on simulated chains in engine/runtime/examples.test.ts)`, () => {});

  for (const e of examples.filter((x) => DATA[x.underlying])) {
    it(`${e.file}: the pinned orders and net P&L; orders at listed contracts and quoted prices; net = cash flows - costs`, async () => {
      const report = await backtestDocument(e.doc, data.get(e.underlying)!);
      const pinned = PINNED[e.file];
      expect(pinned, `no pinned figures for ${e.file}`).toBeDefined();
      const got = report.orders.map((o) => [o.ts.slice(0, 16), o.legId, o.side, o.strike, o.right, o.qty, o.price, o.reason]); // prettier-ignore
      expect(got).toEqual(pinned.orders);
      expect(report.summary.netPnl).toBe(pinned.net);
      expect(report.summary.costs).toBe(pinned.costs);
      // Without slippage every fill is a price the snapshot quotes, and the money adds up.
      const plain = await backtestDocument(e.doc, data.get(e.underlying)!, { overrides: { slippage: { kind: 'none' } } }); // prettier-ignore
      for (const o of plain.orders) {
        const snap = byKey.get(`${o.underlying}@${o.ts}`);
        expect(snap, `order ${o.id} at ${o.ts} has no snapshot`).toBeDefined();
        if (o.instrument === 'future') {
          // A future trades at the expiry's futures price (here, with no futures quote, its synthetic future).
          expect(o.price).toBeCloseTo(futuresPrice(snap!, o.expiry)!, 6);
          continue;
        }
        const q = snap!.expiries.find((x) => x.expiry === o.expiry)?.options.find((x) => x.strike === o.strike && x.right === o.right); // prettier-ignore
        expect(q, `order ${o.id}: ${o.expiry} ${o.strike} ${o.right} is not in the snapshot at ${o.ts}`).toBeDefined(); // prettier-ignore
        expect([q!.bid, q!.ask, q!.ltp]).toContain(o.price);
      }
      for (const r of [report, plain]) {
        const { cash, costs, open } = cashFlowCheck(r, e.doc);
        expect(r.summary.costs).toBeCloseTo(costs, 2);
        expect(r.summary.netPnl).toBeCloseTo(cash + open - costs, 1);
        expect(r.summary.grossPnl).toBeCloseTo(cash + open, 1);
      }
    });
  }

  it('the 2019 BANKNIFTY week trades 2019 lots (20) and says its entries were late on 15-minute data', async () => {
    const e = examples.find((x) => x.file === 'banknifty-straddle-width-momentum.json')!;
    const report = await backtestDocument(e.doc, data.get('BANKNIFTY')!);
    expect(new Set(report.orders.map((o) => o.qty))).toEqual(new Set([20]));
    expect(report.days.map((d) => d.date)).toEqual(['2019-08-26', '2019-08-27', '2019-08-28', '2019-08-29', '2019-08-30']); // prettier-ignore
    expect(report.notes[0]).toMatch(/^Entries were late on 5 day\(s\)/);
    expect(report.days.reduce((a, d) => a + d.netPnl, 0)).toBeCloseTo(report.summary.netPnl, 6);
  });

  it('the same inputs twice give a byte-identical report', async () => {
    const e = examples.find((x) => x.underlying === 'NIFTY')!;
    const a = JSON.stringify(await backtestDocument(e.doc, data.get('NIFTY')!));
    const b = JSON.stringify(await backtestDocument(e.doc, data.get('NIFTY')!));
    expect(a.length).toBeGreaterThan(100);
    expect(b).toBe(a);
  });
});
